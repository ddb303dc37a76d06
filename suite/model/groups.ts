/**
 * The groups of checks and the seed's questions, in the order the table and the catalogue show them.
 * Which check belongs to which group, and which question it answers, each check declares itself.
 */

export const GROUPS = [
  { letter: "A", title: "Disconnect", seed: "seed rows “stops thread/calling next()”, “calls close()”, “does not throw or spew”" },
  { letter: "K", title: "node:http's own disconnect events" },
  { letter: "B", title: "Flushing", seed: "seed row “properly sends chunks”" },
  { letter: "C", title: "Concurrency", seed: "seed row “handles concurrent requests”" },
  { letter: "D", title: "Shutdown", seed: "seed row “stops (cleanly) on Ctrl-C”" },
  { letter: "E", title: "Protocol and idle connections" },
  { letter: "F", title: "Backpressure", seed: "the seed's “client queue is full, message dropped”" },
  { letter: "G", title: "A real client", seed: "the seed's manual browser test, automated" },
  { letter: "H", title: "What users hit in the field" },
] as const satisfies readonly { letter: string; title: string; seed?: string }[];

export type GroupLetter = (typeof GROUPS)[number]["letter"];

/**
 * The seed's six questions, in its words and its order: the first rows of the table. Each check that
 * answers one says so (`seed`); a row's main figure is that of the first such check in the registry.
 */
export const SEED_QUESTIONS = [
  "handles concurrent requests",
  "stops thread/calling next()",
  "calls close()",
  "does not throw or spew",
  "properly sends chunks",
  "stops (cleanly) on Ctrl-C",
] as const;

export type SeedQuestion = (typeof SEED_QUESTIONS)[number];

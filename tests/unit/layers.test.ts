/**
 * The suite reads bottom-up: each layer imports only the layers below it, and no two files import
 * each other, directly or in a loop. Parsed from the source's import lines, so that a new file that
 * breaks the order fails here, before anyone has to find the circle by hand.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../suite/files/paths.ts";

/** The suite's layers, lowest first; a file may import its own layer and those below. */
const LAYERS: string[][] = [
  ["suite/model"],
  ["suite/files"],
  ["suite/targets"],
  ["suite/harness"],
  ["bench"],
  ["suite/checks"],
  ["suite/curated", "suite/shards", "suite/catalogue"],
  ["suite/table"],
  ["suite/expectations", "suite/versions"],
  ["suite/commands", "bench/cli.ts"],
];
const TREES = ["src", "runtimes", "suite", "bench", "tests", "servers", "examples"];

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)|(?:^|\n)\s*import\s*["'](\.[^"']+)["']/g;

/** Every relative import of every source file, as repository paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of TREES.flatMap(sources)) {
    const text = readFileSync(join(ROOT, file), "utf8");
    const targets = [...text.matchAll(IMPORT)].map((m) => normalize(join(dirname(file), (m[1] ?? m[2] ?? m[3])!)));
    graph.set(file, targets.filter((t) => t.endsWith(".ts")));
  }
  return graph;
}

function layerOf(file: string): number | undefined {
  let found: number | undefined;
  let longest = 0;
  LAYERS.forEach((prefixes, rank) => {
    for (const prefix of prefixes) {
      if ((file === prefix || file.startsWith(prefix + "/")) && prefix.length > longest) {
        found = rank;
        longest = prefix.length;
      }
    }
  });
  return found;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("layers", () => {
  const graph = importGraph();

  it("has no import cycle anywhere in the repository", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("never imports a higher layer of the suite", () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      if (from === undefined) continue;
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== undefined && to > from) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("keeps the model free of I/O", () => {
    const io = sources("suite/model").filter((file) => /from\s*["']node:(fs|child_process|net|http|os|process)["']/.test(readFileSync(join(ROOT, file), "utf8")));
    expect(io).toEqual([]);
  });

  it("resolves every relative import to a file that exists", () => {
    const files = new Set(graph.keys());
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((t) => !files.has(t)).map((t) => `${file} -> ${relative(".", t)}`));
    expect(missing).toEqual([]);
  });
});

// Started by tests/signal-dispositions.test.ts with SIGINT ignored (as a background job of a
// non-interactive shell is): starts one server the way the suite does and prints both dispositions.
import { startServer } from "../../suite/harness/server-process.ts";
import { signalDispositions } from "../../suite/harness/signal-dispositions.ts";
import { resolveTarget } from "../../suite/targets/targets.ts";

const server = await startServer(resolveTarget(process.argv[2] ?? "fixture:flawless"));
const listening = server.records.find((r) => r.type === "listening");
console.log(JSON.stringify({ harness: signalDispositions(process.pid), server: server.dispositions, listening }));
await server.stop();

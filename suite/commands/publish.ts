/**
 * `./run-test.sh publish [TARGET]...`: the table from the newest run of each target (see
 * suite/table/publish.ts). Exit 0 when written, 2 when there is nothing to publish.
 */
import { targetName } from "../targets/targets.ts";
import { parseCommandLine, runCommand } from "./cli.ts";
import { publish } from "../table/publish.ts";

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, {});
  const { report, copied } = publish({ targets: parsed.positionals.map(targetName) });
  console.log(`publish: ${copied.length ? `copied ${copied.join(", ")} from runs/ into results/` : "no new run in runs/; rebuilt from results/"}`);
  const columns = [...report.model.columns, ...(report.seed?.columns ?? [])];
  console.log(`publish: ${columns.map((c) => `${c.target} (${c.run.date})`).join(", ")}`);
  for (const file of Object.values(report.files)) console.log(`  wrote ${file}`);
  return 0;
}

runCommand(main, {
  name: "run-test.sh publish",
  usage: "usage: ./run-test.sh publish [TARGET]... (default: every target with a full run in runs/)",
});

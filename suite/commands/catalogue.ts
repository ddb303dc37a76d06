/** `./run-test.sh catalogue`: writes CHECKS.md from the registry (suite/catalogue/render.ts). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderCatalogue } from "../catalogue/render.ts";
import { runCommand } from "./cli.ts";
import { UsageError } from "../model/errors.ts";
import { ROOT } from "../files/paths.ts";

export const CATALOGUE_FILE = join(ROOT, "CHECKS.md");

async function main(argv: string[]): Promise<number> {
  if (argv.length) throw new UsageError("catalogue takes no arguments");
  writeFileSync(CATALOGUE_FILE, renderCatalogue());
  console.log(`catalogue: wrote ${CATALOGUE_FILE}`);
  return 0;
}

runCommand(main, { name: "run-test.sh catalogue", usage: "usage: ./run-test.sh catalogue" });

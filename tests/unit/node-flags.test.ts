/** The flags a Node version needs to run the servers' TypeScript (suite/targets/runtime-versions.ts). */
import { expect, test } from "vitest";
import { nodeTypeStrippingFlags } from "../../suite/targets/runtime-versions.ts";

test("a Node that strips types by default gets no flag (22.18.0 on, 23.6.0 on)", () => {
  expect(nodeTypeStrippingFlags("22.18.0")).toEqual([]);
  expect(nodeTypeStrippingFlags("23.6.0")).toEqual([]);
  expect(nodeTypeStrippingFlags("24.21.0")).toEqual([]);
});

test("an older one gets --experimental-strip-types (22.6.0 to 22.17, 23.0 to 23.5)", () => {
  expect(nodeTypeStrippingFlags("22.6.0")).toEqual(["--experimental-strip-types"]);
  expect(nodeTypeStrippingFlags("23.5.0")).toEqual(["--experimental-strip-types"]);
});

test("its ExperimentalWarning is never silenced: a warning on stderr is a finding", () => {
  for (const v of ["22.6.0", "22.17.1", "23.0.0", "23.5.0"]) expect(nodeTypeStrippingFlags(v).join(" ")).not.toContain("disable-warning");
});

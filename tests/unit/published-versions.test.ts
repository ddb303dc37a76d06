/** Choosing the runtime versions a matrix tests (suite/versions/published.ts), from a runtime's published versions. */
import { describe, expect, test } from "vitest";
import { latestOfEachMajor, latestPatchOfEachMinor, versionsBetween } from "../../suite/versions/published.ts";
import { PUBLISHED } from "./report-fixtures.ts";

describe("the versions a matrix tests", () => {
  test("select the newest patch of each minor, and the versions between two", () => {
    expect(latestPatchOfEachMinor(PUBLISHED, "1.1..1.2")).toEqual(["1.1.30", "1.2.23"]);
    expect(versionsBetween(PUBLISHED, "1.1.30", "1.1.22")).toEqual(["1.1.22", "1.1.24", "1.1.25", "1.1.26", "1.1.27", "1.1.28", "1.1.29", "1.1.30"]);
    expect(() => versionsBetween(PUBLISHED, "1.1.23", "1.1.30")).toThrow(/not a published version/);
  });

  test("select the newest version of each major (Node's releases)", () => {
    const node = ["22.5.1", "22.6.0", "22.23.5", "23.0.0", "23.11.1", "24.21.0", "24.22.3", "26.12.1"];
    expect(latestOfEachMajor(node, "22..26")).toEqual(["22.23.5", "23.11.1", "24.22.3", "26.12.1"]);
    expect(() => latestOfEachMajor(node, "27..30")).toThrow(/no published version/);
    expect(() => latestOfEachMajor(node, "22.1..26")).toThrow(/expected FROM\.\.TO/);
  });
});

/** Targets: built-in target files, a user's target file, `url:`, and a clear error for each mistake. */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { builtInTargets, readTargetFile } from "../../suite/targets/target-files.ts";
import { ROOT } from "../../suite/files/paths.ts";
import { resolveTarget, targetNames, UnavailableTargetError } from "../../suite/targets/targets.ts";
import { UnknownTargetError } from "../../suite/targets/runtime-versions.ts";
import { ServerProcess } from "../../suite/harness/server-process.ts";

const testdata = (name: string) => join(ROOT, "tests/testdata/targets", `${name}.json`);

describe("the built-in targets", () => {
  test("are target files: the runtimes' seven, then the seed's servers, Rocket among them but not runnable", () => {
    expect(builtInTargets().map((t) => t.name)).toEqual([
      "node", "deno", "bun", "elysia-bun", "elysia-node", "bun-node", "deno-node",
      "wsgiref", "rocket", "cherrypy", "waitress", "paste", "gunicorn-sync", "gunicorn-gevent",
    ]);
    expect(targetNames()).not.toContain("rocket");
  });

  test("a runtime target runs its entry with the pinned binary, and offers every capability", () => {
    const bun = resolveTarget("bun");
    expect(bun.command.at(-1)).toBe(join(ROOT, "runtimes/bun.ts"));
    expect([...bun.offers]).toContain("dispatcher");
    expect(bun.table).toBe("runtimes");
  });

  test("a seed server runs Debian's python3 in the repository, without the capabilities WSGI lacks", () => {
    const waitress = resolveTarget("waitress");
    expect(waitress.command).toEqual(["/usr/bin/python3", "servers/seed/serve.py", "waitress"]);
    expect(waitress.cwd).toBe(ROOT);
    expect([...waitress.offers].sort()).toEqual(["control", "page", "process", "records"]);
    expect(waitress.table).toBe("seed");
  });

  test("Rocket is refused with the reason it cannot run", () => {
    expect(() => resolveTarget("rocket")).toThrow(UnavailableTargetError);
    expect(() => resolveTarget("rocket")).toThrow(/not installable: no Debian package provides Rocket/);
  });

  test("a version or a flag on a target that is not a runtime's is refused", () => {
    expect(() => resolveTarget("waitress@2.1.2")).toThrow(/not a runtime target: it takes no @version or \+flag/);
  });
});

describe("a target file", () => {
  test("of a user's server resolves its command in the file's directory and goes by its name", () => {
    const target = resolveTarget(join(ROOT, "examples/own-server/target.json"));
    expect(target.id).toBe("own-server");
    expect(target.cwd).toBe(join(ROOT, "examples/own-server"));
    expect(target.command).toEqual(["python3", "server.py"]);
    expect(target.ready).toBe("port");
    expect([...target.offers]).toEqual(["process"]);
    expect(target.table).toBe("yours");
    expect(target.cadenceMs).toBe(1000);
  });

  test.each([
    ["no-kind", /give exactly one of "entry" \(with "runtime"\), "command", "url" or "unavailable" \(found none\)/],
    ["bad-capability", /"offers" names "telepathy", not a capability/],
    ["record-without-records", /"ready" is "record", but the target does not offer "records": say "ready": "port"/],
    ["unknown-field", /"comand" is not a target field/],
    ["not-json", /is not valid JSON/],
  ])("%s is refused, naming the file and the field", (name, message) => {
    expect(() => readTargetFile(testdata(name))).toThrow(UnknownTargetError);
    expect(() => readTargetFile(testdata(name))).toThrow(message);
  });

  test("that does not exist is refused with its path", () => {
    expect(() => resolveTarget("./no/such/target.json")).toThrow(/no target file at .*no\/such\/target\.json/);
  });

  test("with a url is a black box: nothing to start, nothing offered, the stream's path kept", () => {
    const target = resolveTarget(testdata("black-box"));
    expect(target.command).toEqual([]);
    expect([...target.offers]).toEqual([]);
    expect(target.port).toBe(9);
    expect(target.events).toBe("/sse?token=1");
  });
});

describe("url: targets", () => {
  test("measure a server already running on this machine, as a black box", () => {
    const target = resolveTarget("url:http://127.0.0.1:8080/stream");
    expect({ port: target.port, events: target.events, command: target.command, offers: [...target.offers] }).toEqual({
      port: 8080,
      events: "/stream",
      command: [],
      offers: [],
    });
  });

  test.each([
    ["url:not a url", /is not a URL/],
    ["url:https://127.0.0.1:8443/events", /only http:\/\/ URLs/],
    ["url:http://example.com/events", /servers on this machine/],
  ])("%s is refused", (id, message) => {
    expect(() => resolveTarget(id)).toThrow(message);
  });

  test("a check's /events goes to the target's path, its query carried over", () => {
    const server = new ServerProcess(resolveTarget("url:http://127.0.0.1:8080/sse?room=1"), {});
    expect(server.streamPath("/events")).toBe("/sse?room=1");
    expect(server.streamPath("/events?mitigations=0")).toBe("/sse?room=1&mitigations=0");
    expect(server.streamPath("/health")).toBe("/health");
  });
});

test("an unknown target names every kind of target there is", () => {
  expect(() => resolveTarget("nope")).toThrow(/known: node, deno, bun, .*waitress.*a target file's path \(path\/to\/target\.json\), or url:http:\/\/host:port\/path/);
});

describe("a target file also", () => {
  test("implies process for a command: the suite starts what it names", () => {
    expect([...resolveTarget(testdata("command-offers-nothing")).offers]).toEqual(["process"]);
  });

  test.each([
    ["url-with-offers", /"offers" cannot be given with "url": a server the suite did not start is a black box/],
    ["port-with-record", /"port" is used only with "ready": "port"/],
    ["bad-cadence", /"cadenceMs" must be the interval of the server's own events in ms, 10 to 60000/],
  ])("%s is refused", (name, message) => {
    expect(() => readTargetFile(testdata(name))).toThrow(message);
  });
});

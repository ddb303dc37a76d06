import { describe, expect, test } from "vitest";
import { ConfigError, readConfig } from "../../src/config.ts";

function env(values: Record<string, string>): (name: string) => string | undefined {
  return (name) => values[name];
}

function refusal(values: Record<string, string>): unknown {
  try {
    readConfig(env(values));
  } catch (error) {
    return error;
  }
  throw new Error(`readConfig accepted ${JSON.stringify(values)}`);
}

describe("defaults", () => {
  test("an empty environment gives the documented defaults", () => {
    expect(readConfig(env({}))).toEqual({
      host: "127.0.0.1",
      port: 8080,
      observations: "pretty",
      producerMs: 100,
      heartbeatMs: 5000,
      retryMs: 2000,
      replayLimit: 1000,
      replayLimitBytes: 8 * 1024 * 1024,
      queueLimitBytes: 1024 * 1024,
      overflowPolicy: "disconnect",
      control: false,
      shutdown: "dispatcher",
      graceMs: 1000,
      corsOrigins: [],
      compress: false,
      nodeTimeoutsMs: 0,
      tlsCert: undefined,
      tlsKey: undefined,
    });
  });

  test("an empty value counts as unset and gives the default", () => {
    expect(readConfig(env({ PORT: "", SSE_OVERFLOW_POLICY: "", HOST: "" }))).toMatchObject({
      port: 8080,
      overflowPolicy: "disconnect",
      host: "127.0.0.1",
    });
  });
});

describe("valid values", () => {
  test("every variable is read", () => {
    expect(
      readConfig(
        env({
          HOST: "::1",
          PORT: "0",
          SSE_OBSERVATIONS: "ndjson",
          SSE_PRODUCER_MS: "0",
          SSE_HEARTBEAT_MS: "250",
          SSE_RETRY_MS: "0",
          SSE_REPLAY_LIMIT: "0",
          SSE_REPLAY_LIMIT_BYTES: "4096",
          SSE_QUEUE_LIMIT_BYTES: "1",
          SSE_OVERFLOW_POLICY: "drop-newest",
          SSE_CONTROL: "1",
          SSE_SHUTDOWN: "graceful-only",
          SSE_GRACE_MS: "60000",
          SSE_CORS_ORIGINS: "http://127.0.0.1:5173, https://app.example",
          SSE_COMPRESS: "1",
          SSE_NODE_TIMEOUTS_MS: "1000",
          SSE_TLS_CERT: "/tmp/cert.pem",
          SSE_TLS_KEY: "/tmp/key.pem",
        }),
      ),
    ).toEqual({
      host: "::1",
      port: 0,
      observations: "ndjson",
      producerMs: 0,
      heartbeatMs: 250,
      retryMs: 0,
      replayLimit: 0,
      replayLimitBytes: 4096,
      queueLimitBytes: 1,
      overflowPolicy: "drop-newest",
      control: true,
      shutdown: "graceful-only",
      graceMs: 60000,
      corsOrigins: ["http://127.0.0.1:5173", "https://app.example"],
      compress: true,
      nodeTimeoutsMs: 1000,
      tlsCert: "/tmp/cert.pem",
      tlsKey: "/tmp/key.pem",
    });
  });

  test("a TLS certificate without its key is refused", () => {
    expect(() => readConfig(env({ SSE_TLS_CERT: "/tmp/cert.pem" }))).toThrow(/SSE_TLS_CERT and SSE_TLS_KEY go together/);
  });

  test("the bounds of a range are accepted", () => {
    expect(readConfig(env({ PORT: "65535" })).port).toBe(65535);
  });
});

describe("bad values are refused with a ConfigError naming the variable", () => {
  test.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "65536"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["PORT", " 80"],
    ["PORT", "0x50"],
    ["PORT", "1e3"],
    ["SSE_PRODUCER_MS", "-100"],
    ["SSE_PRODUCER_MS", "3600001"],
    ["SSE_HEARTBEAT_MS", "soon"],
    ["SSE_RETRY_MS", "2s"],
    ["SSE_REPLAY_LIMIT", "1000001"],
    ["SSE_QUEUE_LIMIT_BYTES", "0"],
    ["SSE_QUEUE_LIMIT_BYTES", "1MB"],
    ["SSE_QUEUE_LIMIT_BYTES", "99999999999999999999"],
    ["SSE_GRACE_MS", "60001"],
    ["SSE_OVERFLOW_POLICY", "foo"],
    ["SSE_OVERFLOW_POLICY", "DISCONNECT"],
    ["SSE_OVERFLOW_POLICY", "drop-oldest"],
    ["SSE_OBSERVATIONS", "json"],
    ["SSE_CONTROL", "true"],
    ["SSE_CONTROL", "yes"],
    ["SSE_SHUTDOWN", "graceful"],
    ["SSE_CORS_ORIGINS", "*"],
    ["SSE_CORS_ORIGINS", "https://app.example/path"],
  ])("%s=%s", (name, value) => {
    const error = refusal({ [name]: value });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(name);
    expect((error as ConfigError).message).toContain(JSON.stringify(value));
  });

  test("a range refusal says what range is allowed", () => {
    expect(refusal({ PORT: "70000" })).toMatchObject({ message: expect.stringMatching(/PORT must be an integer from 0 to 65535/) });
  });

  test("a choice refusal lists the allowed values", () => {
    expect(refusal({ SSE_OVERFLOW_POLICY: "foo" })).toMatchObject({
      message: expect.stringMatching(/SSE_OVERFLOW_POLICY must be one of disconnect, drop-newest/),
    });
  });

  test("ConfigError is named ConfigError", () => {
    expect(refusal({ PORT: "abc" })).toMatchObject({ name: "ConfigError" });
  });
});

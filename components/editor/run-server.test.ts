import { describe, expect, it } from "vitest";
import { ANY_SERVER, isAnyServer, pickRunServer, readRunServer, RUN_SERVER_KEY, writeRunServer } from "./run-server";

const servers = [
  { url: "http://a:8188", isDefault: false },
  { url: "http://b:8188", isDefault: true },
];

describe("pickRunServer", () => {
  it("keeps the remembered server while it is configured", () => {
    expect(pickRunServer(servers, "http://a:8188")).toBe("http://a:8188");
  });

  it("falls back to the default server when the remembered one was removed or nothing is remembered", () => {
    expect(pickRunServer(servers, "http://gone:8188")).toBe("http://b:8188");
    expect(pickRunServer(servers, null)).toBe("http://b:8188");
  });

  it("knows nothing before the list arrives", () => {
    expect(pickRunServer(undefined, "http://a:8188")).toBeNull();
  });
});

describe("any server that fits", () => {
  it("lets the server pick among several, and shows the default server's catalogue meanwhile", () => {
    expect(isAnyServer(servers, ANY_SERVER)).toBe(true);
    expect(pickRunServer(servers, ANY_SERVER)).toBe("http://b:8188");
  });

  it("means the one server when only one is configured, and nothing before the list arrives", () => {
    expect(isAnyServer([servers[1]!], ANY_SERVER)).toBe(false);
    expect(isAnyServer(undefined, ANY_SERVER)).toBe(false);
    expect(isAnyServer(servers, "http://a:8188")).toBe(false);
  });
});

describe("remembering the server", () => {
  it("round-trips through storage and survives a storage that throws", () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    writeRunServer(storage, "http://a:8188");
    expect(map.get(RUN_SERVER_KEY)).toBe("http://a:8188");
    expect(readRunServer(storage)).toBe("http://a:8188");
    const broken = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("quota");
      },
    };
    expect(readRunServer(broken)).toBeNull();
    expect(() => writeRunServer(broken, "http://a:8188")).not.toThrow();
  });
});

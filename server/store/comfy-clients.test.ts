import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createComfyClientRepository } from "./comfy-clients";
import { openDatabase } from "./db";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), "atelier-comfy-clients-"));
  dirs.push(d);
  return d;
}

describe("ComfyUI client ids", () => {
  it("gives one id per server and the same one after the database is opened again", () => {
    const dir = dataDir();
    const db = openDatabase(dir);
    const ids = ["a", "b"];
    const repo = createComfyClientRepository(db, { newId: () => ids.shift()!, now: () => 1 });
    expect(repo.clientIdFor("http://127.0.0.1:8188")).toBe("a");
    expect(repo.clientIdFor("http://127.0.0.1:8188")).toBe("a");
    expect(repo.clientIdFor("http://gpu.local:8188/comfy")).toBe("b");
    db.close();

    const reopened = openDatabase(dir);
    const again = createComfyClientRepository(reopened, { newId: () => "never used" });
    expect(again.clientIdFor("http://127.0.0.1:8188")).toBe("a");
    expect(again.clientIdFor("http://gpu.local:8188/comfy")).toBe("b");
    reopened.close();
  });

  it("keeps the id another process on the same database stored first", () => {
    const dir = dataDir();
    const one = openDatabase(dir);
    const two = openDatabase(dir);
    const mine = createComfyClientRepository(one, { newId: () => "first" });
    const theirs = createComfyClientRepository(two, { newId: () => "second" });
    expect(mine.clientIdFor("http://127.0.0.1:8188")).toBe("first");
    expect(theirs.clientIdFor("http://127.0.0.1:8188")).toBe("first");
    one.close();
    two.close();
  });
});

import { describe, expect, it, vi } from "vitest";
import { once } from "./lazy";

describe("once", () => {
  it("loads a module once and shares the answer", async () => {
    const load = vi.fn(async () => ({ value: 1 }));
    const get = once(load);
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("forgets a failed load, so the next use tries again", async () => {
    const load = vi.fn<() => Promise<string>>().mockRejectedValueOnce(new Error("chunk failed")).mockResolvedValueOnce("loaded");
    const get = once(load);
    await expect(get()).rejects.toThrow("chunk failed");
    await expect(get()).resolves.toBe("loaded");
    expect(load).toHaveBeenCalledTimes(2);
  });
});

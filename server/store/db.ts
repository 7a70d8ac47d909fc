import { accessSync, constants, mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { AppError } from "@/server/errors";
import { MIGRATIONS, type Migration } from "./migrations";

export type Db = Database.Database;

/**
 * Creates `dataDir` if needed and checks it can be written.
 * @throws AppError STORAGE naming the directory and the way out.
 */
export function ensureWritableDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch (cause) {
    throw new AppError(
      "STORAGE",
      `Cannot write to the data directory ${dataDir} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); make it writable or set ATELIER_DATA_DIR to a directory you own.`,
      { cause },
    );
  }
}

/**
 * Opens (creating if needed) the SQLite database in `dataDir`, in WAL mode,
 * and applies pending migrations.
 * @throws AppError STORAGE with a message naming the directory when it cannot be created or written.
 */
export function openDatabase(dataDir: string, options: { fileName?: string; migrations?: readonly Migration[] } = {}): Db {
  ensureWritableDir(dataDir);
  const path = join(dataDir, options.fileName ?? "atelier.db");
  let db: Db;
  try {
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
  } catch (cause) {
    throw new AppError("STORAGE", `Cannot open the database ${path}: ${(cause as Error).message}`, { cause });
  }
  migrate(db, options.migrations ?? MIGRATIONS);
  return db;
}

/** Applies every migration newer than the database's `user_version`, each in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > latest) {
    throw new AppError(
      "STORAGE",
      `The database is at schema version ${current}, newer than this Atelier knows (${latest}); upgrade Atelier or point ATELIER_DATA_DIR elsewhere.`,
    );
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

import { join } from 'node:path';
import { VigilError } from '../errors';
import { openDatabase, type Database } from './open-database';

/**
 * `control.db` under VIGIL_DATA_DIR: the operators' own changes (cameras added through the API,
 * with the passwords ffmpeg needs in clear, and stored tokens' hashes). Each stage keeps its own
 * table in it (cameras, tokens); this owns the connection. Few writes, each one an operator's
 * change: durability over speed.
 */
export class ControlDatabase {
  readonly path: string;
  readonly db: Database.Database;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  static open(dataDir: string): ControlDatabase {
    const path = join(dataDir, 'control.db');
    try {
      return new ControlDatabase(path, openDatabase(path, { synchronous: 'FULL' }));
    } catch (error) {
      throw new VigilError('VIGIL_ERR_STORE_UNAVAILABLE', `cannot open ${path}: ${(error as Error).message}`, { path });
    }
  }

  /** Whether the database still takes writes (readiness). */
  writable(): boolean {
    try {
      this.db.prepare('PRAGMA user_version = 1').run();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

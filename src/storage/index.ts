export { openDatabase, writeTransaction, PRIVATE_FILE_MODE, PRIVATE_DIR_MODE, type Database, type DatabaseOptions } from './open-database';
export { ControlDatabase } from './control-database';
export { ensurePrivateDir, writePrivateFile, tightenDataDir } from './private-files';

/**
 * Secrets at rest: values the store keeps (SNMPv3 auth/priv keys) are sealed with AES-256-GCM
 * under a random key in `<data>/secret.key` (32 bytes, created 0600 on first start, never logged
 * or answered). A sealed value is `fgenc1:<base64 of iv(12) | tag(16) | ciphertext>`; the
 * additional authenticated data binds it to where it is stored (`snmpUser:<name>:authKey`), so a
 * sealed value moved to another field or user does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FILE_MODE, fsyncDir } from './durableFile';

export const SECRET_KEY_FILE = 'secret.key';
const PREFIX = 'fgenc1:';
const KEY_BYTES = 32;

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** The data folder's key: read, or created (0600, fsync'ed) when the folder has none. */
  static async open(dataDir: string): Promise<SecretBox> {
    const file = path.join(dataDir, SECRET_KEY_FILE);
    try {
      const key = await fs.readFile(file);
      if (key.length !== KEY_BYTES) throw new Error(`${file} is not a Flowgate secret key (${key.length} bytes, expected ${KEY_BYTES})`);
      await fs.chmod(file, FILE_MODE);
      return new SecretBox(key);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const key = randomBytes(KEY_BYTES);
    const handle = await fs.open(file, 'wx', FILE_MODE);
    try {
      await handle.writeFile(key);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsyncDir(dataDir);
    return new SecretBox(key);
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  seal(plain: string, where: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(where, 'utf8'));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
  }

  /** The plain value; throws (without the value) when it does not open under this key. */
  open(sealed: string, where: string): string {
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    if (raw.length < 28) throw new Error(`the sealed value of ${where} is damaged`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(where, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`the sealed value of ${where} does not open with ${SECRET_KEY_FILE} (was the key file replaced?)`);
    }
  }
}

/** A gateway configuration with an embedded directory of people for the sign-in tests: alice (Admin), bob and carol (not). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashSecret } from '../../src/core/gatewayConfig/scrypt';

export const PASSWORDS = { alice: 'alice-pw', bob: 'bob-pw', carol: 'carol-pw' } as const;

/** Writes `<dir>/gateway.yaml` and returns its path (for `--config`). */
export async function writeUsersConfig(dir: string): Promise<string> {
  const file = path.join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    [
      'directory:',
      '  kind: embedded',
      '  users:',
      ...(await Promise.all(Object.entries(PASSWORDS).map(async ([name, pw]) => `    - {name: ${name}, passwordHash: "${await hashSecret(pw)}"}`))),
      '  groups:',
      '    - {name: flowgate-admins, members: [alice]}',
      '    - {name: others, members: [bob, carol]}',
      '',
    ].join('\n'),
  );
  return file;
}

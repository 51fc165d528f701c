/** core/draft/draftChanges.ts: the draft's manifest hashes against a version's, and the version bump. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { bumpedVersion, changedSinceText, compareDefinitions, draftHashes, highestPublished, setDraftVersion } from '../../src/core/draft/draftChanges';
import { packDraft } from '../../src/core/package/pack';
import { directorySource, loadWorkspace } from '../../src/core/workspace/workspace';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

describe('draft changes (core)', () => {
  test('the hashes are the ones a pack writes into its manifest', async () => {
    const ws = await loadWorkspace(directorySource(EXAMPLES));
    const packed = await packDraft(ws, 'network-ops', { createdBy: 'test' });
    const manifest = packed.manifest.definitions.map((d) => ({ kind: d.kind, id: d.id, sha256: d.sha256 }));
    const hashes = draftHashes(ws, 'network-ops');
    assert.ok(hashes);
    assert.deepEqual(compareDefinitions(hashes, manifest), []);
    assert.equal(changedSinceText(1, []), undefined);

    // An edit of one flow: that flow changed; a flow added to the draft and one left out of it too.
    ws.setFile('flows/network/core/Run-Command.flow.yaml', `${ws.file('flows/network/core/Run-Command.flow.yaml')!.text}\n# edited\n`);
    const changes = compareDefinitions(draftHashes(ws, 'network-ops')!, [...manifest.filter((d) => d.id !== 'network/core/Check-Reachability'), { kind: 'flow', id: 'old/Gone', sha256: '0'.repeat(64) }]);
    assert.deepEqual(changes, [
      { kind: 'flow', id: 'network/core/Check-Reachability', change: 'added' },
      { kind: 'flow', id: 'network/core/Run-Command', change: 'changed' },
      { kind: 'flow', id: 'old/Gone', change: 'removed' },
    ]);
    assert.equal(changedSinceText(3, changes), 'changed since v3');
    // A draft that cannot be packed (a listed flow is missing) has no hashes.
    ws.removeFile('flows/network/core/Run-Command.flow.yaml');
    assert.equal(draftHashes(ws, 'network-ops'), undefined);
    assert.equal(draftHashes(ws, 'nope'), undefined);
  });

  test('highest published, the bumped version, and the version edit keeping comments and layout', () => {
    assert.equal(highestPublished([{ version: 1, published: true }, { version: 3, published: true }, { version: 4, published: false }]), 3);
    assert.equal(highestPublished([{ version: 1, published: false }]), undefined);
    assert.equal(bumpedVersion([{ version: 1 }, { version: 3 }, { version: 4 }]), 5);
    assert.equal(bumpedVersion([]), 1);
    assert.throws(() => bumpedVersion([{ version: 999_999_999 }]), /highest/);
    const text = readFileSync(path.join(EXAMPLES, 'packages', 'network-ops.package.yaml'), 'utf8').replace('version: 1', 'version: 1 # next\n# keep me');
    const out = setDraftVersion(text, 7);
    assert.match(out, /^version: 7 # next$/m);
    assert.match(out, /# keep me/);
    assert.equal(out.replace('version: 7', 'version: 1'), text);
    assert.throws(() => setDraftVersion(text, 0), /version/);
    assert.throws(() => setDraftVersion('a: [', 2), /syntax/);
  });
});

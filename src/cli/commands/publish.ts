/** `flowgate publish <draft.package.yaml | file.fgpkg> [--gateway <url>] [--no-publish]` */
import fs from 'node:fs/promises';
import { readPackageFile } from '../../core/package/packageFile';
import type { PackageManifest } from '../../core/model/manifest';
import { flag, gatewayUrl, positionals, GATEWAY_OPTION, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { CliError, EXIT_OK } from '../errors';
import { describeGatewayError, reportFailure } from '../failures';
import { GatewayError } from '../../core/client/gatewayClient';
import type { Output } from '../output';
import { packDraftFile } from '../packing';
import { clientFor, uploadAndPublish } from '../publishing';
import { locateDraft } from '../workspace';

const HELP = `Usage: flowgate publish <packages/<Name>.package.yaml | file.fgpkg> [options]

Uploads a package version to a gateway and publishes it, so its flows can run. Given a draft,
packs it first (validating it against its workspace). Uploading a version the gateway already
holds with identical content is fine; with different content the gateway refuses it (409):
versions are immutable, so bump \`version\` in the draft. The gateway signs an unsigned file as
its creator; a signed file (an export of another gateway) is taken only when the gateway trusts
its signer (400 untrusted-signer otherwise: see \`flowgate keys show\`).

Options:
  -g, --gateway <url>  the gateway (default: $FLOWGATE_GATEWAY or http://127.0.0.1:8722)
  --no-publish         upload only; leave the version unpublished
  --allow-unsigned     on a protected target (gateway.yaml promotion.protected), which takes
                       versions only by promotion: upload directly anyway (Admin only; the
                       gateway's audit log records it). The gateway signs the version itself.
  --credentials <file> OAuth client credentials for the gateway (a {"issuer", "client_id",
                       "client_secret"} file, mode 0600). Default: $FLOWGATE_CLIENT_ID and
                       $FLOWGATE_CLIENT_SECRET, else a local emulator's local-admin.json
  --json               print {"name", "version", "created", "published", "gateway", ...}
  -h, --help           show this help`;

async function load(target: string): Promise<{ bytes: Uint8Array; manifest: PackageManifest; root?: string }> {
  if (target.endsWith('.fgpkg')) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await fs.readFile(target));
    } catch {
      throw new CliError('not-found', `${target}: cannot read the file`);
    }
    const contents = await readPackageFile(bytes);
    return { bytes, manifest: contents.manifest };
  }
  if (target.endsWith('.package.yaml')) {
    const packed = await packDraftFile(target);
    return { bytes: packed.bytes, manifest: packed.manifest, root: packed.root };
  }
  throw new CliError('bad-target', `${target} is neither a package draft (.package.yaml) nor a package file (.fgpkg)`);
}

async function run(args: ParsedArgs, out: Output): Promise<number> {
  const [target] = positionals('publish', args, ['draft.package.yaml | file.fgpkg'], 1);
  const gateway = gatewayUrl(args);
  const publish = !flag(args, 'no-publish');
  let root: string | undefined;
  try {
    if (target.endsWith('.package.yaml')) root = (await locateDraft(target)).root;
    const { bytes, manifest } = await load(target);
    const result = await uploadAndPublish(clientFor(gateway, args), bytes, manifest, { publish, allowUnsigned: flag(args, 'allow-unsigned') });
    if (out.json) {
      out.document({ ok: true, gateway, ...result, alreadyPresent: !result.created });
      return EXIT_OK;
    }
    const label = out.style('bold', `${result.name} v${result.version}`);
    out.line(
      result.created
        ? `${out.style('green', '✓')} uploaded ${label} to ${gateway}`
        : `${out.style('green', '✓')} ${label} already present on ${gateway} (identical content)`,
    );
    if (result.published) out.line(`${out.style('green', '✓')} published ${label}: its flows can run`);
    else out.line(`  not published (--no-publish)`);
    out.line(`  digest: ${result.contentDigest}`);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'version-conflict') {
      const where = target.endsWith('.package.yaml') ? `in ${target}` : 'in the package draft';
      const e = describeGatewayError(err, gateway);
      return reportFailure(
        out,
        new CliError('version-conflict', e.message, {
          details: e.details,
          hint: `Package versions are immutable: bump \`version\` ${where} and publish again.`,
          extra: { status: err.status },
        }),
        { command: 'publish' },
      );
    }
    if (err instanceof GatewayError && (err.code === 'protected-target' || err.code === 'untrusted-signer')) {
      const e = describeGatewayError(err, gateway);
      const hint =
        err.code === 'protected-target'
          ? `${gateway} is a protected target: versions reach it by promotion from its trusted sources. An Admin may upload directly anyway with --allow-unsigned (recorded in its audit log).`
          : `Run \`flowgate keys show --gateway <the gateway that signed it>\` and add the key id to promotion.sources[].trustedKeys in the gateway.yaml of ${gateway}.`;
      return reportFailure(out, new CliError(err.code, e.message, { details: e.details, hint, extra: { status: err.status } }), { command: 'publish' });
    }
    return reportFailure(out, err, { command: 'publish', gateway, root });
  }
}

export const publishCommand: Command = {
  name: 'publish',
  summary: 'upload a package version to a gateway and publish it',
  help: HELP,
  options: { ...GATEWAY_OPTION, 'no-publish': { type: 'boolean' }, 'allow-unsigned': { type: 'boolean' } },
  run,
};

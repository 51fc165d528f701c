/** `flowgate pack <draft.package.yaml> [-o <file.fgpkg>]` */
import path from 'node:path';
import { positionals, str, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { CliError, EXIT_OK } from '../errors';
import { plural } from '../diagnostics';
import { reportFailure } from '../failures';
import type { Output } from '../output';
import { packDraftFile, writeFileAtomic, type PackedDraft } from '../packing';
import { locateDraft, statOrUndefined } from '../workspace';

const HELP = `Usage: flowgate pack <packages/<Name>.package.yaml> [-o <file.fgpkg>] [--json]

Validates the package draft against its workspace (the folder holding packages/) and writes
the package file: a .fgpkg holding the draft's version with every definition it includes.

Options:
  -o, --output <file>  where to write (default: ./<name>-<version>.fgpkg; a folder: inside it)
  --json               print {"name", "version", "file", "definitions", "contentDigest", ...}
  -h, --help           show this help`;

async function outputPath(requested: string | undefined, fileName: string): Promise<string> {
  if (!requested) return path.resolve(fileName);
  const abs = path.resolve(requested);
  const st = await statOrUndefined(abs);
  if (st?.isDirectory()) return path.join(abs, fileName);
  if (!(await statOrUndefined(path.dirname(abs)))?.isDirectory()) {
    throw new CliError('not-found', `cannot write ${requested}: folder ${path.dirname(abs)} does not exist`);
  }
  return abs;
}

export function describePacked(p: PackedDraft, file?: string) {
  const m = p.manifest;
  return {
    name: m.name,
    version: m.version,
    ...(file ? { file, size: p.bytes.byteLength } : {}),
    contentDigest: m.contentDigest,
    definitions: m.definitions.map((d) => ({ kind: d.kind, id: d.id })),
  };
}

async function run(args: ParsedArgs, out: Output): Promise<number> {
  const [draft] = positionals('pack', args, ['draft.package.yaml'], 1);
  let root: string | undefined;
  try {
    root = (await locateDraft(draft)).root;
    const packed = await packDraftFile(draft);
    const file = await outputPath(str(args, 'output'), packed.fileName);
    await writeFileAtomic(file, packed.bytes);
    const m = packed.manifest;
    if (out.json) {
      out.document({ ok: true, ...describePacked(packed, file) });
    } else {
      const flows = m.definitions.filter((d) => d.kind === 'flow').length;
      const connections = m.definitions.length - flows;
      out.line(`${out.style('green', '✓')} packed ${out.style('bold', `${m.name} v${m.version}`)} → ${path.relative(process.cwd(), file) || file}`);
      out.line(`  definitions: ${m.definitions.length} (${plural(flows, "flow")}, ${plural(connections, "connection")})`);
      for (const d of m.definitions) out.line(`    ${d.kind.padEnd(10)} ${d.id}`);
      out.line(`  digest:      ${m.contentDigest}`);
      out.line(`  size:        ${packed.bytes.byteLength} bytes`);
    }
    return EXIT_OK;
  } catch (err) {
    return reportFailure(out, err, { command: 'pack', root });
  }
}

export const packCommand: Command = {
  name: 'pack',
  summary: 'build a .fgpkg package file from a package draft',
  help: HELP,
  options: { output: { type: 'string', short: 'o' } },
  run,
};

import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { loadOrCreateIdentity } from '../../node/identity.js';
import { writePskFile } from '../../node/psk.js';
import { parseFlags } from '../args.js';
import { UsageError } from '../errors.js';

/** Usage text of `fedmetanas keygen`. */
export const KEYGEN_USAGE = `Usage: fedmetanas keygen [--federation-key FILE] [--identity FILE] [--json]

  --federation-key FILE   write a new federation key (libp2p pre-shared key, pnet); copy it to every peer
                          and pass it as --psk-file. Refuses to overwrite an existing file.
  --identity FILE         create a peer identity key (Ed25519) if FILE does not exist, and print its peer ID
                          (for --allow lists and bootstrap addresses)
  --json                  print {"federationKey", "identity", "peerId"} as one JSON object
`;

/** `fedmetanas keygen`: federation and identity keys for peers on several machines. */
export async function keygenCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('keygen', argv, {
    'federation-key': { type: 'string' },
    identity: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(KEYGEN_USAGE);
    return 0;
  }
  const keyFile = values['federation-key'];
  const identityFile = values.identity;
  if (keyFile === undefined && identityFile === undefined) {
    throw new UsageError(
      'Error in fedmetanas keygen: expected --federation-key FILE and/or --identity FILE, found neither.',
    );
  }
  const report: { federationKey?: string; identity?: string; peerId?: string } = {};
  if (keyFile !== undefined) {
    await writePskFile(keyFile);
    report.federationKey = keyFile;
  }
  if (identityFile !== undefined) {
    const key = await loadOrCreateIdentity(identityFile);
    report.identity = identityFile;
    report.peerId = peerIdFromPrivateKey(key).toString();
  }
  if (values.json) console.log(JSON.stringify(report));
  else {
    if (report.federationKey) console.log(`federation key written to ${report.federationKey}`);
    if (report.peerId) console.log(`peer ID ${report.peerId} (identity ${report.identity})`);
  }
  return 0;
}

import type { ConnectionGater, PeerId } from '@libp2p/interface';

/**
 * A connection gater that refuses every peer outside `allowlist`, at dial time and again once the
 * remote identity is proven by the encryption handshake (both directions). `undefined` allows all.
 */
export function allowlistGater(allowlist: ReadonlySet<string> | undefined): ConnectionGater {
  if (allowlist === undefined) return {};
  const deny = (peer: PeerId): boolean => !allowlist.has(peer.toString());
  return {
    denyDialPeer: deny,
    denyInboundEncryptedConnection: deny,
    denyOutboundEncryptedConnection: deny,
    denyInboundUpgradedConnection: deny,
    denyOutboundUpgradedConnection: deny,
  };
}

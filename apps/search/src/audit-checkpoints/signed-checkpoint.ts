import { KeyObject, createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import stringify from 'safe-stable-stringify';

/** What a checkpoint vouches for: the chain's head at `publishedAt`. */
export interface CheckpointBody {
  /** sequence number of the newest record */
  seq: string;
  /** that record's hash, which commits to every record before it */
  headHash: string;
  headRecordedAt: string;
  publishedAt: string;
}

export interface SignedCheckpoint extends CheckpointBody {
  algorithm: 'Ed25519';
  /** sha256 of the public key (SPKI DER), hex: which key signed */
  keyId: string;
  /** base64 Ed25519 signature over the canonical JSON of the body (keys sorted) */
  signature: string;
}

/** The canonical bytes a checkpoint's signature covers: its four body fields, keys sorted. */
export function checkpointSigningBytes(body: CheckpointBody): Buffer {
  const { seq, headHash, headRecordedAt, publishedAt } = body;
  return Buffer.from(stringify({ seq, headHash, headRecordedAt, publishedAt }) ?? '', 'utf8');
}

/** An Ed25519 key pair read from a PEM file outside the database: it signs checkpoints and checks them. */
export class CheckpointKey {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`audit checkpoint key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
    this.publicKey = createPublicKey(privateKey);
    this.keyId = createHash('sha256').update(this.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  }

  static fromPem(pem: string | Buffer): CheckpointKey {
    return new CheckpointKey(createPrivateKey(pem));
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  sign(body: CheckpointBody): SignedCheckpoint {
    return { ...body, algorithm: 'Ed25519', keyId: this.keyId, signature: sign(null, checkpointSigningBytes(body), this.privateKey).toString('base64') };
  }

  /** Whether `checkpoint` was signed by this key over exactly its body. */
  verifies(checkpoint: SignedCheckpoint): boolean {
    try {
      return checkpoint.keyId === this.keyId
        && verify(null, checkpointSigningBytes(checkpoint), this.publicKey, Buffer.from(checkpoint.signature, 'base64'));
    } catch {
      return false;
    }
  }
}

/** Where `kubeception-fakes` serves each fake. */

/** Where the fakes answer. */
export interface FakesUrls {
  /** The simulated host's API server, `https://127.0.0.1:<port>`. */
  readonly kube: string;
  /** The fake Vault, `http://127.0.0.1:<port>`. */
  readonly vault: string;
  /** The fake EC2 (the AWS SDK's `endpoint`), `http://127.0.0.1:<port>`. */
  readonly ec2: string;
}

/** Where `kubeception-fakes` serves each fake. */

/** Where the fakes answer. */
export interface FakesUrls {
  /** The simulated host's API server, `https://127.0.0.1:<port>`. */
  readonly kube: string;
  /** The fake Vault, `http://127.0.0.1:<port>`. */
  readonly vault: string;
  /** The fake EC2 (the AWS SDK's `endpoint`), `http://127.0.0.1:<port>`. */
  readonly ec2: string;
  /**
   * With the VM simulator: the guest API servers' TLS passthrough, `https://127.0.0.1:<port>`,
   * routing by the server name (SNI) to the guest whose certificate is for it: dial it with a
   * Cluster's API domain as the server name (`curl --connect-to <domain>:443:127.0.0.1:<port>`).
   */
  readonly guestApi?: string;
  /** With `flannelEtcd`: the flannel etcd's client URL, `http://127.0.0.1:<port>`. */
  readonly flannelEtcd?: string;
}

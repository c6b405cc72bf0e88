# The cert-operator's Vault policy (written by operatorPolicy() of @kubeception/pki-vault; a test keeps
# it current). PKI mounts pki-* only: no sys/policy, no auth/token/create.
#   vault policy write cert-operator deploy/vault-policy.hcl
path "sys/mounts/pki-*" {
  capabilities = ["create", "read", "update", "delete"]
}

path "pki-*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}

path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}

#!/usr/bin/env bash
# Creates the cluster's private CA and the one certificate every silo presents and checks on its peers
# (--cluster.tls-server-name, default alloy-orleans.cluster; server and client authentication):
#   bash deploy/make-certs.sh deploy/cluster-tls                 # docker compose
#   bash deploy/make-certs.sh deploy/kubernetes/cluster-tls      # Kubernetes (kustomize makes the Secret)
# Writes ca.crt, tls.crt, tls.key (what the silos mount) and ca.key (keep it off the silos; it issues new members).
set -euo pipefail
dir=${1:?usage: make-certs.sh DIRECTORY [SERVER_NAME]}
name=${2:-alloy-orleans.cluster}
days=825
mkdir -p "$dir"
cd "$dir"
if [ -e tls.crt ]; then
  echo "$dir/tls.crt exists; remove the directory to make new certificates" >&2
  exit 1
fi
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" -subj "/CN=alloy-orleans cluster CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" -keyout tls.key -out tls.csr 2>/dev/null
printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=critical,CA:FALSE\n' "$name" > tls.ext
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -extfile tls.ext -out tls.crt 2>/dev/null
rm -f tls.csr tls.ext ca.srl
chmod 600 ca.key
# The silo container runs as uid 1654: a bind mount (docker compose) keeps these modes, so the key must be readable.
chmod 644 ca.crt tls.crt tls.key
echo "wrote $dir/{ca.crt,tls.crt,tls.key} for server name $name (and $dir/ca.key)"

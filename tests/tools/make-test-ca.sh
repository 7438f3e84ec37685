#!/bin/sh
# make-test-ca.sh DIR: a throw-away certificate authority and an ossemu server certificate,
# made with openssl for the HTTPS tests and benchmarks (nothing here is trusted anywhere else):
#   DIR/ca.pem              the test CA (give it to the mount as -o cafile=, to node as
#                           NODE_EXTRA_CA_CERTS)
#   DIR/server.pem, .key    ossemu's certificate (--tls-cert, --tls-key), signed by the CA, for
#                           IP 127.0.0.1 and the OSS host names ali-oss sends as Host
#                           (oss-cn-hangzhou.aliyuncs.com and *.oss-cn-hangzhou.aliyuncs.com);
#                           not for "localhost", so https://localhost:PORT is a host-name mismatch
#   DIR/other-ca.pem        a second CA that signed nothing: the "wrong CA"
# Keys are 2048-bit RSA, valid for two days. Exits non-zero when openssl fails.
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
umask 077
subj() { openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout "$1.key" -out "$1.pem" \
    -subj "/CN=$2" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null; }
subj ca "osspermfs test CA"
subj other-ca "osspermfs other test CA"
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=ossemu test" \
    2>/dev/null
printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:oss-cn-hangzhou.aliyuncs.com,DNS:*.oss-cn-hangzhou.aliyuncs.com' \
    'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
    'extendedKeyUsage=serverAuth' >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile server.ext -out server.pem 2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 644 ca.pem other-ca.pem server.pem

package io.ebpfexporter.server.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SEC1 EC private key ({@code -----BEGIN EC PRIVATE KEY-----}, what {@code openssl ecparam -genkey}
 * writes) rewrapped as PKCS#8, which Java's key factories read: {@code PrivateKeyInfo { 0,
 * {id-ecPublicKey, curve}, OCTET STRING(the SEC1 structure) }}, the curve taken from the SEC1
 * structure's parameters.
 */
final class Sec1Key {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN EC PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END EC PRIVATE KEY-----");
    /** 1.2.840.10045.2.1, id-ecPublicKey. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Sec1Key() {
    }

    /** The PEM text as PKCS#8 PEM when it holds a SEC1 key, else empty; a SEC1 key without its curve is refused. */
    static Optional<String> asPkcs8(String pem) {
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            return Optional.empty();
        }
        byte[] sec1 = Base64.getMimeDecoder().decode(m.group(1));
        byte[] curve = curveOid(sec1);
        byte[] algorithm = tlv(0x30, concat(EC_PUBLIC_KEY, curve));
        byte[] info = tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, sec1)));
        return Optional.of("-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(info) + "\n-----END PRIVATE KEY-----\n");
    }

    /** The OID (tag and all) inside the [0] parameters of {@code ECPrivateKey ::= SEQUENCE {version, key, [0], [1]}}. */
    private static byte[] curveOid(byte[] der) {
        int[] at = {0};
        expect(der, at, 0x30);
        length(der, at);
        while (at[0] < der.length) {
            int tag = der[at[0]++] & 0xff;
            int len = length(der, at);
            if (tag == 0xa0) {
                if (der[at[0]] != 0x06) {
                    break;
                }
                byte[] oid = new byte[len];
                System.arraycopy(der, at[0], oid, 0, len);
                return oid;
            }
            at[0] += len;
        }
        throw new IllegalArgumentException("the SEC1 EC key names no curve; write it with openssl ec -param_enc named_curve");
    }

    private static void expect(byte[] der, int[] at, int tag) {
        if (at[0] >= der.length || (der[at[0]++] & 0xff) != tag) {
            throw new IllegalArgumentException("not a SEC1 EC private key");
        }
    }

    private static int length(byte[] der, int[] at) {
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int n = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            n = n << 8 | (der[at[0]++] & 0xff);
        }
        if (n < 0 || at[0] + n > der.length) {
            throw new IllegalArgumentException("not a SEC1 EC private key");
        }
        return n;
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}

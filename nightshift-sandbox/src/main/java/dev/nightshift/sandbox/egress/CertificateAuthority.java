package dev.nightshift.sandbox.egress;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The deployment's certificate authority for the egress proxy: a CA certificate the sandboxes
 * trust, and per-host leaf certificates it signs so that the proxy can terminate TLS for the hosts
 * that have a secret (and only those). Certificates are built with Bouncy Castle; keys are EC
 * P-256 from the JDK.
 *
 * <p>The server keeps the CA: it seals {@link #privateKeyPem()} with its own key and gives both
 * PEM texts back to {@link #fromPem}. Leaves live in memory only, one per host, minted on first
 * use and again when fewer than a day of their validity is left. Thread-safe: {@link #leafFor} is
 * called from every intercepting connection's virtual thread.
 */
public final class CertificateAuthority {
    /** How long a generated CA is valid. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** How long a leaf is valid; short, since it is minted again for free. */
    public static final Duration LEAF_VALIDITY = Duration.ofDays(7);
    /** Leaves start this long before they are minted, so that a sandbox clock slightly behind accepts them. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    /** A cached leaf with less validity left than this is minted again. */
    private static final Duration RENEW_BEFORE = Duration.ofDays(1);

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] NO_PASSWORD = new char[0];

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Clock clock;
    private final Map<String, Leaf> leaves = new ConcurrentHashMap<>();

    private record Leaf(SSLContext context, X509Certificate certificate) {}

    private CertificateAuthority(X509Certificate certificate, PrivateKey key, Clock clock) {
        this.certificate = certificate;
        this.key = key;
        this.clock = clock;
    }

    /**
     * A new CA: an EC P-256 key, a self-signed certificate valid for {@link #CA_VALIDITY} with
     * {@code basicConstraints} CA (path length 0: it signs leaves only) and {@code keyUsage}
     * keyCertSign and cRLSign, both critical.
     */
    public static CertificateAuthority generate(String commonName, Clock clock) {
        try {
            KeyPair pair = newKeyPair();
            X500Name subject = name(commonName);
            Instant now = clock.instant();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    serial(),
                    Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(CA_VALIDITY)),
                    subject,
                    pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate(), clock);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("could not generate a certificate authority: " + e.getMessage(), e);
        }
    }

    /**
     * The CA the server stored: its certificate and (unsealed) private key as PEM, the key as
     * PKCS#8 or in OpenSSL's traditional form.
     *
     * @throws IllegalArgumentException if either text is not what it should be, the certificate is
     *     not a CA, or the key does not belong to it; the message says which
     */
    public static CertificateAuthority fromPem(String certificatePem, String privateKeyPem, Clock clock) {
        X509Certificate certificate;
        PrivateKey key;
        try {
            Object cert = readPem(certificatePem);
            if (!(cert instanceof X509CertificateHolder holder)) {
                throw new IllegalArgumentException("the CA certificate is not a PEM certificate");
            }
            certificate = new JcaX509CertificateConverter().getCertificate(holder);
            Object keyObject = readPem(privateKeyPem);
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            key = switch (keyObject) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
                case null, default -> throw new IllegalArgumentException("the CA key is not a PEM private key");
            };
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the CA certificate or key cannot be read: " + e.getMessage(), e);
        }
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("the certificate is not a CA certificate (no basicConstraints CA)");
        }
        if (!belongTogether(key, certificate.getPublicKey())) {
            throw new IllegalArgumentException("the CA key does not belong to the CA certificate");
        }
        return new CertificateAuthority(certificate, key, clock);
    }

    /** The CA certificate: what the sandbox's trust stores get. */
    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() {
        return pem(certificate);
    }

    /** The CA's private key, PKCS#8 PEM: for the server to seal, never to show. */
    public String privateKeyPem() {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new IllegalStateException("could not encode the CA key", e);
        }
    }

    /**
     * A server TLS context presenting a leaf certificate for {@code host} (a DNS name, or an IP
     * literal, which gets an iPAddress name), chained to this CA. Cached per host; a leaf close to
     * its end is replaced.
     */
    public SSLContext leafFor(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        Instant renewAfter = clock.instant().plus(RENEW_BEFORE);
        return leaves.compute(
                        name,
                        (h, cached) -> cached != null
                                        && cached.certificate()
                                                .getNotAfter()
                                                .toInstant()
                                                .isAfter(renewAfter)
                                ? cached
                                : mint(List.of(h)))
                .context();
    }

    /**
     * A server TLS context with a new leaf for all of {@code hosts}, not cached: for an origin's
     * own certificate in tests and benchmarks. The proxy uses {@link #leafFor}.
     */
    public SSLContext issue(List<String> hosts) {
        return mint(hosts).context();
    }

    /** The leaf certificate {@link #leafFor} presents for {@code host}, minting it if needed. */
    X509Certificate leafCertificate(String host) {
        leafFor(host);
        return leaves.get(host.toLowerCase(Locale.ROOT)).certificate();
    }

    /** A trust store holding this CA's certificate only. */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("nightshift-egress-ca", certificate);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not build a trust store", e);
        }
    }

    private Leaf mint(List<String> hosts) {
        try {
            KeyPair pair = newKeyPair();
            Instant now = clock.instant();
            Instant end = now.plus(LEAF_VALIDITY);
            Instant caEnd = certificate.getNotAfter().toInstant();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    certificate,
                    serial(),
                    Date.from(now.minus(BACKDATE)),
                    Date.from(end.isAfter(caEnd) ? caEnd : end),
                    name(hosts.getFirst()),
                    pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            List<GeneralName> names = new ArrayList<>();
            for (String host : hosts) {
                names.add(
                        isIpLiteral(host)
                                ? new GeneralName(GeneralName.iPAddress, host)
                                : new GeneralName(GeneralName.dNSName, host));
            }
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(
                    Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(
                    Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate leaf = sign(builder, key);

            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("leaf", pair.getPrivate(), NO_PASSWORD, new X509Certificate[] {leaf, certificate});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return new Leaf(context, leaf);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("could not mint a certificate for " + hosts + ": " + e.getMessage(), e);
        }
    }

    private static boolean isIpLiteral(String host) {
        if (host.contains(":")) {
            return true;
        }
        return host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')) && host.split("\\.", -1).length == 4;
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, Objects.requireNonNull(commonName, "commonName"))
                .build();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
    }

    private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
        try {
            byte[] probe = "nightshift".getBytes(StandardCharsets.US_ASCII);
            String algorithm = key.getAlgorithm().equals("EC") ? SIGNATURE : "SHA256withRSA";
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Object readPem(String text) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(Objects.requireNonNull(text, "PEM text")))) {
            return parser.readObject();
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException("could not write PEM", e);
        }
        return out.toString();
    }
}

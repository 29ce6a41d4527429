package dev.nightshift.server.sandbox;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.sandbox.egress.CertificateAuthority;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Makes a sandbox trust the deployment CA, so the egress proxy can terminate TLS for the hosts that
 * have a secret: a PEM bundle (the system's roots plus the CA) for curl, git, Python and OpenSSL, the
 * CA alone for Node, and a PKCS#12 trust store (the JDK's roots plus the CA) for JVMs. The files go
 * to the sandbox's own {@code /tmp} at every start (nothing of them is archived), written by a command
 * in the sandbox as its user. Only the CA's certificate ever enters a sandbox, never its key.
 */
public final class SandboxTrust {
    static final String DIR = "/tmp/nightshift-trust";
    static final String BUNDLE = DIR + "/ca-bundle.pem";
    static final String CA = DIR + "/ca.pem";
    static final String TRUST_STORE = DIR + "/truststore.p12";
    /** A trust store holds no secret; PKCS#12 still wants a password for its integrity check. */
    static final String TRUST_STORE_PASSWORD = "nightshift";

    private static final Path SYSTEM_BUNDLE = Path.of("/etc/ssl/certs/ca-certificates.crt");

    /** Where each kind of client looks for its trusted roots. */
    public static final Map<String, String> ENVIRONMENT = Map.of(
            "SSL_CERT_FILE",
            BUNDLE,
            "CURL_CA_BUNDLE",
            BUNDLE,
            "REQUESTS_CA_BUNDLE",
            BUNDLE,
            "GIT_SSL_CAINFO",
            BUNDLE,
            "NODE_EXTRA_CA_CERTS",
            CA,
            // appended to the provider's own JVM options (the proxy settings), see the providers
            "JAVA_TOOL_OPTIONS",
            "-Djavax.net.ssl.trustStore=" + TRUST_STORE + " -Djavax.net.ssl.trustStoreType=PKCS12"
                    + " -Djavax.net.ssl.trustStorePassword=" + TRUST_STORE_PASSWORD);

    /** No CA: the proxy intercepts nothing and sandboxes trust only the system's roots. */
    public static final SandboxTrust NONE = new SandboxTrust(null);

    private final CertificateAuthority authority;
    private final String caPem;
    /** The bundle and the trust store: made on the first sandbox that needs them, not at every start. */
    private volatile TrustFiles files;

    private record TrustFiles(byte[] bundle, byte[] trustStore) {}

    /** @param authority the deployment CA (its certificate goes into sandboxes, its key never), or null */
    public SandboxTrust(CertificateAuthority authority) {
        this.authority = authority;
        this.caPem = authority == null ? null : authority.certificatePem();
    }

    private TrustFiles files() {
        TrustFiles made = files;
        if (made == null) {
            synchronized (this) {
                made = files;
                if (made == null) {
                    try {
                        String system = Files.isReadable(SYSTEM_BUNDLE)
                                ? Files.readString(SYSTEM_BUNDLE, StandardCharsets.US_ASCII)
                                : "";
                        made = new TrustFiles(
                                (system + (system.endsWith("\n") || system.isEmpty() ? "" : "\n") + caPem)
                                        .getBytes(StandardCharsets.US_ASCII),
                                trustStore(caPem));
                    } catch (IOException | GeneralSecurityException e) {
                        throw new SandboxException("cannot prepare the sandbox trust store: " + e.getMessage(), e);
                    }
                    files = made;
                }
            }
        }
        return made;
    }

    public boolean available() {
        return caPem != null;
    }

    /** The CA the egress proxy terminates TLS with, or null. */
    public CertificateAuthority authority() {
        return authority;
    }

    /** Writes the trust files into the sandbox (its own {@code /tmp}), each through a command's input. */
    void install(Sandbox sandbox) {
        TrustFiles made = files();
        write(sandbox, BUNDLE, made.bundle());
        write(sandbox, CA, caPem.getBytes(StandardCharsets.US_ASCII));
        write(sandbox, TRUST_STORE, made.trustStore());
    }

    private static void write(Sandbox sandbox, String file, byte[] content) {
        String script = "umask 022; mkdir -p " + DIR + " && base64 -d > " + file;
        try {
            ExecResult result = sandbox.exec(
                    ExecRequest.shell(script),
                    new ByteArrayInputStream(
                            Base64.getMimeEncoder(76, new byte[] {(byte) 10}).encode(content)),
                    OutputListener.IGNORE);
            if (result.exitCode() != 0) {
                throw new SandboxException("could not install the deployment CA in the sandbox: " + result.stderr());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while installing the deployment CA", e);
        }
    }

    private static byte[] trustStore(String caPem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null); // the JDK's own roots
        int n = 0;
        for (var tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                for (X509Certificate root : x509.getAcceptedIssuers()) {
                    store.setCertificateEntry("root-" + n++, root);
                }
            }
        }
        var ca = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
        store.setCertificateEntry("nightshift-deployment-ca", ca);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, TRUST_STORE_PASSWORD.toCharArray());
        return out.toByteArray();
    }
}

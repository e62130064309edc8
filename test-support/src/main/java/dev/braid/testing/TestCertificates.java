package dev.braid.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate authority made for one test, the broker's key store signed by it for loopback,
 * a trust store holding it, and a trust store holding another CA, which the broker's certificate
 * does not chain to. Made with the JDK's own keytool: no tool beyond the JDK, no file checked in.
 */
public record TestCertificates(Path brokerKeyStore, Path trustStore, Path untrustedTrustStore, String password) {

    private static final String PASSWORD = "test-store-pass";

    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        Path ca = dir.resolve("ca.p12");
        Path caCert = dir.resolve("ca.crt");
        Path broker = dir.resolve("broker.p12");
        Path request = dir.resolve("broker.csr");
        Path brokerCert = dir.resolve("broker.crt");
        Path trust = dir.resolve("truststore.p12");
        certificateAuthority(ca, caCert, "CN=Braid Test CA");
        keytool(broker, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=localhost");
        keytool(broker, "-certreq", "-alias", "broker", "-file", request.toString());
        keytool(ca, "-gencert", "-rfc", "-alias", "ca", "-validity", "30", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-ext", "eku=serverAuth", "-infile", request.toString(), "-outfile", brokerCert.toString());
        // The CA first, so that the signed certificate's chain can be built on import.
        keytool(broker, "-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString());
        keytool(broker, "-importcert", "-alias", "broker", "-file", brokerCert.toString());
        keytool(trust, "-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString());

        Path otherCa = dir.resolve("other-ca.p12");
        Path otherCaCert = dir.resolve("other-ca.crt");
        Path untrusted = dir.resolve("untrusted-truststore.p12");
        certificateAuthority(otherCa, otherCaCert, "CN=Some Other CA");
        keytool(untrusted, "-importcert", "-noprompt", "-alias", "ca", "-file", otherCaCert.toString());
        return new TestCertificates(broker, trust, untrusted, PASSWORD);
    }

    /** A CA's key pair in {@code store} and its certificate, in PEM, at {@code certificate}. */
    private static void certificateAuthority(Path store, Path certificate, String name) throws IOException, InterruptedException {
        keytool(store, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", name, "-ext", "bc:c");
        keytool(store, "-exportcert", "-rfc", "-alias", "ca", "-file", certificate.toString());
    }

    private static void keytool(Path store, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}

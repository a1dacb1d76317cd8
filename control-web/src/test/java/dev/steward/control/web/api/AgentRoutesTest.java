package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AgentRoutesTest {

    @Test
    void dkimKey_ed25519Pem_becomesTheRawKey() throws Exception {
        String pem = ScriptedAgent.newDkimKeyPem();
        String key = AgentRoutes.dkimKey(pem);
        assertThat(Base64.getDecoder().decode(key)).hasSize(32);
        byte[] spki = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        assertThat(Base64.getDecoder().decode(key)).isEqualTo(java.util.Arrays.copyOfRange(spki, 12, 44));
    }

    @Test
    void dkimKey_rsa_pemOrBase64_staysTheSubjectPublicKeyInfo() throws Exception {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String base64 = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
        assertThat(AgentRoutes.dkimKey(base64)).isEqualTo(base64);
        String pem = "-----BEGIN PUBLIC KEY-----\n" + base64.substring(0, 64) + "\n" + base64.substring(64)
                + "\n-----END PUBLIC KEY-----\n";
        assertThat(AgentRoutes.dkimKey(pem)).isEqualTo(base64);
    }

    @Test
    void dkimKey_garbage_isAValidationFailure() {
        assertThatThrownBy(() -> AgentRoutes.dkimKey("not a key at all"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.details()).containsEntry("field", "dkim_public_key");
                });
        assertThatThrownBy(() -> AgentRoutes.dkimKey("QUJD")).isInstanceOf(ApiException.class);
    }

    @Test
    void canonical_sortsKeysAtEveryLevel_soEqualResultsCompareEqualAsText() throws Exception {
        String a = AgentRoutes.canonical(Json.MAPPER.readTree("{\"status\":\"succeeded\",\"details\":{\"reboot\":true,"
                + "\"packages\":[{\"name\":\"b\",\"from\":\"1\"}]},\"duration_seconds\":5}"));
        String b = AgentRoutes.canonical(Json.MAPPER.readTree("{\"duration_seconds\":5,\"details\":{\"packages\":"
                + "[{\"from\":\"1\",\"name\":\"b\"}],\"reboot\":true},\"status\":\"succeeded\"}"));
        assertThat(a).isEqualTo(b).isEqualTo("{\"details\":{\"packages\":[{\"from\":\"1\",\"name\":\"b\"}],\"reboot\":true},"
                + "\"duration_seconds\":5,\"status\":\"succeeded\"}");
        assertThat(AgentRoutes.canonical(Json.MAPPER.readTree("{\"details\":{\"reboot\":false}}"))).isNotEqualTo(a);
    }
}

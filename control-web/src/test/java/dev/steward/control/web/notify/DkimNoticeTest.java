package dev.steward.control.web.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class DkimNoticeTest {

    @Test
    void recordValue_rsaKeyAsP_ed25519Detected_storedRecordKept() {
        assertThat(DkimNotice.recordValue(" MIIBIjAN\nBgkq ")).isEqualTo("v=DKIM1; k=rsa; p=MIIBIjANBgkq");
        String ed = Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(DkimNotice.recordValue(ed)).isEqualTo("v=DKIM1; k=ed25519; p=" + ed);
        assertThat(DkimNotice.recordValue("v=DKIM1; k=rsa; p=ABC")).isEqualTo("v=DKIM1; k=rsa; p=ABC");
    }

    @Test
    void split_piecesOfAtMost255_joinToTheValue() {
        String value = "x".repeat(600);
        List<String> parts = DkimNotice.split(value);
        assertThat(parts).extracting(String::length).containsExactly(255, 255, 90);
        assertThat(String.join("", parts)).isEqualTo(value);
        assertThat(DkimNotice.split("short")).containsExactly("short");
    }

    @Test
    void dotStuffing_andCrlf() throws Exception {
        // SmtpSubmission hands the notice to smtp-wire's client, whose DATA body is this stream.
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        new dev.steward.smtp.wire.DotStuffingOutputStream(wire)
                .write("a\n.b\r\n..c\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(new String(wire.toByteArray(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("a\r\n..b\r\n...c\r\n");
    }
}

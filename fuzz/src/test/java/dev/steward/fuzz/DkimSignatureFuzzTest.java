package dev.steward.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.steward.mail.dkim.DkimKeyRecord;
import dev.steward.mail.dkim.DkimSignature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Fuzzes the RFC 6376 §3.2 tag-list parser through its two users: {@link DkimSignature#parse}
 * (the DKIM-Signature field value, §3.5) and {@link DkimKeyRecord#parse} (the key record, §3.6.1).
 *
 * <p>Input: the field value as UTF-8 (the seeds are signatures from the RFC 6376 and RFC 8463
 * vectors and dkimpy's test messages). Properties:
 * <ul>
 *   <li>both parsers throw nothing but their documented {@link IllegalArgumentException}, with a
 *       reason;</li>
 *   <li>a parsed signature is usable as documented: a supported algorithm, non-empty base64
 *       {@code b=} and {@code bh=} without whitespace, {@code h=} naming From, an {@code i=}
 *       within {@code d=}, a lower-case selector, {@code x=} after {@code t=};</li>
 *   <li>round trip: the signature rendered back into a tag list parses to an equal value, and so
 *       does the same list in reverse order with folding whitespace around every tag (order and
 *       FWS carry no meaning, §3.2);</li>
 *   <li>a parsed key record is revoked exactly when it has no key.</li>
 * </ul>
 */
class DkimSignatureFuzzTest {

    @FuzzTest
    void tagLists(byte[] input) {
        String value = new String(input, StandardCharsets.UTF_8);
        signature(value);
        keyRecord(value);
    }

    private static void signature(String value) {
        DkimSignature signature;
        try {
            signature = DkimSignature.parse(value);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(signature.signature()).isNotEmpty().doesNotContainAnyWhitespaces();
        assertThat(signature.bodyHash()).isNotEmpty().doesNotContainAnyWhitespaces();
        assertThat(signature.signedHeaders()).anyMatch(name -> name.equalsIgnoreCase("from"));
        assertThat(signature.selector()).isLowerCase();
        String identityDomain = signature.identity().substring(signature.identity().lastIndexOf('@') + 1);
        assertThat(identityDomain).isNotEmpty();
        if (signature.timestamp() >= 0 && signature.expiration() >= 0) {
            assertThat(signature.expiration()).isGreaterThan(signature.timestamp());
        }
        List<String> tags = render(signature);
        assertThat(reparse(String.join("; ", tags), value)).isEqualTo(signature);
        List<String> reversed = new ArrayList<>(tags);
        Collections.reverse(reversed);
        StringBuilder folded = new StringBuilder();
        for (String tag : reversed) {
            int equals = tag.indexOf('=');
            folded.append("\r\n\t").append(tag, 0, equals).append(" = ").append(tag.substring(equals + 1)).append(" ;");
        }
        assertThat(reparse(folded.toString(), value)).isEqualTo(signature);
    }

    private static DkimSignature reparse(String rendered, String original) {
        try {
            return DkimSignature.parse(rendered);
        } catch (IllegalArgumentException refused) {
            throw new AssertionError("\"" + rendered + "\", rendered from \"" + original + "\", is refused", refused);
        }
    }

    /** The value's tags, one {@code name=value} each, in Steward's order. */
    private static List<String> render(DkimSignature signature) {
        List<String> tags = new ArrayList<>();
        tags.add("v=1");
        tags.add("a=" + signature.algorithm().tagValue());
        tags.add("c=" + signature.headerCanonicalization().tagValue() + "/" + signature.bodyCanonicalization().tagValue());
        tags.add("d=" + signature.domain().ascii());
        tags.add("s=" + signature.selector());
        tags.add("h=" + String.join(":", signature.signedHeaders()));
        tags.add("i=" + signature.identity());
        if (signature.bodyLength() >= 0) {
            tags.add("l=" + signature.bodyLength());
        }
        if (signature.timestamp() >= 0) {
            tags.add("t=" + signature.timestamp());
        }
        if (signature.expiration() >= 0) {
            tags.add("x=" + signature.expiration());
        }
        tags.add("bh=" + signature.bodyHash());
        tags.add("b=" + signature.signature());
        return tags;
    }

    private static void keyRecord(String value) {
        DkimKeyRecord record;
        try {
            record = DkimKeyRecord.parse(value);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(record.revoked()).isEqualTo(record.publicKey() == null);
    }
}

package dev.steward.control.web.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads a release feed (the per-application feed polled by {@link ReleaseFeedPoller}). Two formats:
 *
 * <p><b>JSON</b> — an array of releases, newest or oldest first (order does not matter):
 * <pre>
 * [{"version": "2.4.0",
 *   "changelog": "New dashboard; PHP 8.3 required.",
 *   "steps_before": "Take a backup of custom themes.",
 *   "steps_after": "Clear the browser cache.",
 *   "security": false,
 *   "cve_ids": []}]
 * </pre>
 * Only {@code version} is required; the texts default to empty, {@code security} to false.
 *
 * <p><b>Atom</b> (RFC 4287) — each {@code entry}'s {@code title} is the version and its
 * {@code content} (or {@code summary}) the changelog; no steps, not a security fix.
 *
 * <p>The format is chosen by the Content-Type ({@code …json…} or {@code …xml…}), else by the first
 * non-blank character ({@code [} or {@code <}).
 *
 * <p><b>Security.</b> A feed is untrusted input from a vendor's server: the body is bounded by the
 * poller, the XML parser refuses DOCTYPEs (no entity expansion, no external entities), and every
 * entry still goes through the release rules when it is registered.
 *
 * <p>Thread safety: stateless, thread-safe.
 */
final class ReleaseFeed {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ATOM = "http://www.w3.org/2005/Atom";

    /**
     * One release in a feed.
     *
     * @param version the version text
     * @param changelog what changes
     * @param stepsBefore steps before the window
     * @param stepsAfter steps after it
     * @param security true for a security fix
     * @param cveIds the CVE ids
     */
    record Entry(String version, String changelog, String stepsBefore, String stepsAfter, boolean security,
                 List<String> cveIds) {
    }

    private ReleaseFeed() {
    }

    /**
     * @param contentType the response's Content-Type, may be null
     * @param body the response body
     * @throws IllegalArgumentException when the body is neither format, with what is wrong
     */
    static List<Entry> parse(String contentType, byte[] body) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).stripLeading();
        if (type.contains("json") || (!type.contains("xml") && text.startsWith("["))) {
            return json(body);
        }
        if (type.contains("xml") || text.startsWith("<")) {
            return atom(body);
        }
        throw new IllegalArgumentException("neither a JSON array nor an Atom feed (Content-Type " + contentType + ")");
    }

    static List<Entry> json(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException malformed) {
            throw new IllegalArgumentException("malformed JSON: " + malformed.getMessage(), malformed);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("the JSON feed must be an array of releases");
        }
        List<Entry> entries = new ArrayList<>();
        int index = 0;
        for (JsonNode item : root) {
            String version = item.path("version").asText("");
            if (!item.isObject() || version.isBlank()) {
                throw new IllegalArgumentException("release " + index + " of the JSON feed has no version");
            }
            List<String> cves = new ArrayList<>();
            item.path("cve_ids").forEach(cve -> cves.add(cve.asText()));
            entries.add(new Entry(version.strip(), item.path("changelog").asText(""),
                    item.path("steps_before").asText(""), item.path("steps_after").asText(""),
                    item.path("security").asBoolean(false), cves));
            index++;
        }
        return entries;
    }

    static List<Entry> atom(byte[] body) {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            document = builder.parse(new ByteArrayInputStream(body));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser not configurable", e);
        } catch (SAXException | IOException malformed) {
            throw new IllegalArgumentException("malformed Atom feed: " + malformed.getMessage(), malformed);
        }
        Element feed = document.getDocumentElement();
        if (!"feed".equals(feed.getLocalName()) || !ATOM.equals(feed.getNamespaceURI())) {
            throw new IllegalArgumentException("not an Atom feed (root element " + feed.getNodeName() + ")");
        }
        List<Entry> entries = new ArrayList<>();
        NodeList items = feed.getElementsByTagNameNS(ATOM, "entry");
        for (int i = 0; i < items.getLength(); i++) {
            Element entry = (Element) items.item(i);
            String version = child(entry, "title");
            if (version.isBlank()) {
                throw new IllegalArgumentException("entry " + i + " of the Atom feed has no title (the version)");
            }
            String changelog = child(entry, "content");
            entries.add(new Entry(version.strip(), changelog.isBlank() ? child(entry, "summary") : changelog, "", "",
                    false, List.of()));
        }
        return entries;
    }

    private static String child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && name.equals(element.getLocalName())
                    && ATOM.equals(element.getNamespaceURI())) {
                return element.getTextContent().strip();
            }
        }
        return "";
    }
}

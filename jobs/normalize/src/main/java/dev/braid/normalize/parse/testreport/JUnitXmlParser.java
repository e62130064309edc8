package dev.braid.normalize.parse.testreport;

import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Timestamps;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestStatus;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * JUnit XML as pytest ({@code --junitxml}) and Maven Surefire ({@code TEST-*.xml}) write it: one
 * {@code <testcase>} per test, its outcome told by a {@code <failure>}, {@code <error>} or
 * {@code <skipped>} child, Surefire's reruns by {@code rerun*} and {@code flaky*} children.
 */
public final class JUnitXmlParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String FORMAT = "junit-xml";

    /** Turns parse errors into exceptions instead of the default handler's lines on stderr. */
    /** One secure builder per thread: builders are not thread-safe, and making one per report is costly. */
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(JUnitXmlParser::secureBuilder);

    private static final ErrorHandler RETHROW = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
            // warnings do not make a report unreadable
        }

        @Override
        public void error(SAXParseException e) throws SAXParseException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
        }
    };

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(ParseInput input) {
        String text = withoutByteOrderMark(input.text()).stripLeading();
        return text.startsWith("<") && text.contains("<testsuite");
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        Element root = read(withoutByteOrderMark(input.text())).getDocumentElement();
        if (!root.getTagName().equals("testsuites") && !root.getTagName().equals("testsuite")) {
            throw ParseException.schemaViolation("junit-xml root element is <" + root.getTagName()
                    + ">, expected <testsuites> or <testsuite>");
        }
        String framework = framework(root);
        NodeList cases = root.getElementsByTagName("testcase");
        List<NormalizedEvent.Builder> drafts = new ArrayList<>(cases.getLength());
        for (int i = 0; i < cases.getLength(); i++) {
            drafts.add(parseCase((Element) cases.item(i), i + 1, framework, input));
        }
        return drafts;
    }

    private static NormalizedEvent.Builder parseCase(Element testcase, int position, String framework, ParseInput input)
            throws ParseException {
        String where = "junit-xml <testcase> number " + position;
        if (!testcase.hasAttribute("name")) {
            throw ParseException.schemaViolation(where + " lacks the attribute 'name'");
        }
        String name = testcase.getAttribute("name");
        String suite = testcase.getAttribute("classname");
        if (suite.isEmpty() && testcase.getParentNode() instanceof Element parent) {
            suite = parent.getAttribute("name");
        }
        if (suite.isEmpty()) {
            throw ParseException.schemaViolation(where + " (" + name + ") has no 'classname' and no named <testsuite>");
        }

        Element failure = null;
        Element error = null;
        Element skipped = null;
        int reruns = 0;
        boolean flaky = false;
        List<Element> properties = new ArrayList<>();
        for (Node child = testcase.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (!(child instanceof Element element)) {
                continue;
            }
            switch (element.getTagName()) {
                case "failure" -> failure = failure == null ? element : failure;
                case "error" -> error = error == null ? element : error;
                case "skipped" -> skipped = element;
                case "rerunFailure", "rerunError" -> reruns++;
                case "flakyFailure", "flakyError" -> {
                    reruns++;
                    flaky = true;
                }
                case "properties" -> properties.addAll(children(element, "property"));
                default -> {
                    // system-out and system-err: the test's console, not its outcome.
                }
            }
        }

        // The final outcome decides: Surefire keeps <failure> only when every rerun failed too.
        TestStatus status;
        Element problem = failure != null ? failure : error;
        if (failure != null) {
            status = TestStatus.FAILED;
        } else if (error != null) {
            status = TestStatus.ERROR;
        } else if (skipped != null) {
            status = "pytest.xfail".equals(skipped.getAttribute("type")) ? TestStatus.XFAIL : TestStatus.SKIPPED;
        } else {
            status = TestStatus.PASSED;
        }

        String failureMessage = problem == null ? null : firstNonBlank(problem.getAttribute("message"), problem.getTextContent());
        NormalizedEvent.Builder draft = new TestCase(framework, suite, name, status, durationMillis(testcase, where),
                failureMessage, Timestamps.parse(timestamp(testcase))).toDraft(input);
        if (problem != null) {
            Drafts.meta(draft, "failureType", problem.getAttribute("type"));
            Drafts.meta(draft, "stackTrace", problem.getTextContent().strip());
        }
        if (skipped != null && problem == null) {
            // Surefire gives an aborted assumption no message, only its stack trace: the first line says why.
            Drafts.meta(draft, "reason", firstNonBlank(skipped.getAttribute("message"),
                    skipped.getTextContent().strip().lines().findFirst().orElse(null)));
        }
        if (reruns > 0) {
            Drafts.meta(draft, "reruns", reruns);
        }
        if (flaky && status == TestStatus.PASSED) {
            Drafts.meta(draft, "flaky", "true");
        }
        Drafts.meta(draft, "file", testcase.getAttribute("file"));
        Drafts.meta(draft, "line", testcase.getAttribute("line"));
        for (Element property : properties) {
            Drafts.meta(draft, "property." + property.getAttribute("name"), property.getAttribute("value"));
        }
        return draft;
    }

    /** Surefire names its schema on each suite; pytest names its suite "pytest" unless configured otherwise. */
    private static String framework(Element root) {
        List<Element> suites = root.getTagName().equals("testsuite") ? List.of(root) : children(root, "testsuite");
        for (Element suite : suites) {
            if (suite.getAttribute("xsi:noNamespaceSchemaLocation").contains("surefire")) {
                return "surefire";
            }
            if (suite.getAttribute("name").equals("pytest")) {
                return "pytest";
            }
        }
        return "junit";
    }

    private static Double durationMillis(Element testcase, String where) throws ParseException {
        String time = testcase.getAttribute("time").replace(",", "");
        if (time.isBlank()) {
            return null;
        }
        try {
            return Math.round(Double.parseDouble(time) * 1_000_000) / 1000.0;
        } catch (NumberFormatException e) {
            throw ParseException.schemaViolation(where + " has time '" + time + "', which is not a number of seconds");
        }
    }

    /** The start time of the nearest enclosing suite that has one; JUnit XML has no per-test time. */
    private static String timestamp(Element testcase) {
        for (Node node = testcase.getParentNode(); node instanceof Element element; node = node.getParentNode()) {
            if (!element.getAttribute("timestamp").isBlank()) {
                return element.getAttribute("timestamp");
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> children = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getTagName().equals(tag)) {
                children.add(element);
            }
        }
        return children;
    }

    private static String firstNonBlank(String first, String second) {
        return first != null && !first.isBlank() ? first : second;
    }

    private static String withoutByteOrderMark(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static Document read(String xml) throws ParseException {
        try {
            DocumentBuilder builder = BUILDER.get();
            builder.reset();
            builder.setErrorHandler(RETHROW);
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (SAXParseException e) {
            throw ParseException.unparseable("junit-xml is not well-formed at line " + e.getLineNumber()
                    + " column " + e.getColumnNumber() + ": " + e.getMessage());
        } catch (SAXException | IOException e) {
            throw ParseException.unparseable("junit-xml cannot be read", e);
        }
    }

    /**
     * A builder safe against XXE: reports come from CI machines we do not control, so a DOCTYPE
     * (and with it every external entity, external DTD and entity-expansion bomb) is refused outright.
     */
    private static DocumentBuilder secureBuilder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser lacks a required security feature", e);
        }
    }
}

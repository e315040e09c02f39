package io.pixelgrad.dist;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The BOM has no parent (importing it must not bring the build's settings along), so nothing in Maven keeps its
 * versions in step with the build's: this test does. A user who imports it gets the versions pixelgrad was tested with.
 */
class BomConsistencyIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static Document read(Path pom) throws Exception {
        assertTrue(Files.isRegularFile(pom), pom + " exists");
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling())
            if (n instanceof Element e && e.getTagName().equals(name)) return e;
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().strip();
    }

    /** artifactId (with ":classifier" when there is one) to version, properties expanded, from dependency elements. */
    private static Map<String, String> versions(NodeList dependencies, Map<String, String> properties) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element d = (Element) dependencies.item(i);
            String version = text(d, "version");
            if (version == null) continue;
            for (Map.Entry<String, String> p : properties.entrySet()) version = version.replace("${" + p.getKey() + "}", p.getValue());
            String classifier = text(d, "classifier");
            out.put(text(d, "artifactId") + (classifier == null ? "" : ":" + classifier), version);
        }
        return out;
    }

    private static Map<String, String> properties(Document pom) {
        Map<String, String> out = new HashMap<>();
        Element props = child(pom.getDocumentElement(), "properties");
        if (props != null)
            for (Node n = props.getFirstChild(); n != null; n = n.getNextSibling())
                if (n instanceof Element e) out.put(e.getTagName(), e.getTextContent().strip());
        out.put("project.version", text(pom.getDocumentElement(), "version"));
        return out;
    }

    @Test
    void theBomListsEveryLibraryModuleAtTheBuildsVersionWithTheBuildsNd4j() throws Exception {
        Document parent = read(ROOT.resolve("pom.xml"));
        Document bom = read(ROOT.resolve("bom/pom.xml"));
        String version = text(parent.getDocumentElement(), "version");
        assertEquals(version, text(bom.getDocumentElement(), "version"), "the BOM's version is the build's");
        Map<String, String> managed = versions(bom.getElementsByTagName("dependency"), properties(bom));

        for (String module : new String[]{"engine", "autograd", "zoo-import", "vis", "explorer", "cli"}) {
            Document pom = read(ROOT.resolve(module).resolve("pom.xml"));
            String artifact = text(pom.getDocumentElement(), "artifactId");
            assertEquals(version, managed.get(artifact), artifact + " is in the BOM at the build's version");
        }
        String nd4j = properties(parent).get("nd4j.version");
        assertNotNull(nd4j, "the parent names the ND4J version");
        for (String artifact : new String[]{"nd4j-api", "nd4j-native", "nd4j-native:linux-x86_64-onednn", "nd4j-cuda-11.6",
            "nd4j-cuda-11.6:linux-x86_64"})
            assertEquals(nd4j, managed.get(artifact), artifact + " at the build's ND4J version");
        // the -Pcuda profile of engine is what the build tests against: the BOM's CUDA redistributable is that one
        Document engine = read(ROOT.resolve("engine/pom.xml"));
        Map<String, String> engineVersions = versions(engine.getElementsByTagName("dependency"), properties(parent));
        assertNotNull(engineVersions.get("cuda:linux-x86_64-redist"), "engine's cuda profile has the redistributable");
        assertEquals(engineVersions.get("cuda:linux-x86_64-redist"), managed.get("cuda:linux-x86_64-redist"));
    }
}

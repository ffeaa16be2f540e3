package org.lit.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker/ as far as a machine without a Docker engine or a GPU can check it: the files the
 * Dockerfile copies exist (lit.jar after `package`: DockerFilesIT), the compose file parses and
 * names the image, its Dockerfile, the entrypoint and the shared volume, and gpus.sh prints the
 * JSON Spark's GPU discovery reads, with GPUs and without.
 */
class DockerFilesTest {
    static final Path DOCKER = Scripts.ROOT.resolve("docker");
    static final String JAR = "lit-train/target/lit.jar";
    private static final String ENTRYPOINT = "/opt/lit/entrypoint.sh";
    private static final List<String> SCRIPT_TOOLS = List.of("dirname", "grep", "sed", "tr", "paste");

    @TempDir
    Path dir;

    /** The Dockerfile's COPY instructions as {source..., destination}, continued lines joined. */
    static List<List<String>> copies() throws IOException {
        String text = Files.readString(DOCKER.resolve("Dockerfile")).replace("\\\n", " ");
        List<List<String>> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("COPY ")) out.add(Arrays.asList(line.substring(5).trim().split("\\s+")));
        }
        return out;
    }

    @Test
    void everyCopySourceIsInTheRepositoryOrIsThePackagedJar() throws IOException {
        List<List<String>> copies = copies();
        assertEquals(3, copies.size(), "COPY lines: " + copies);
        List<String> destinations = new ArrayList<>();
        for (List<String> copy : copies) {
            for (String source : copy.subList(0, copy.size() - 1)) {
                assertTrue(!source.startsWith("--"), "a plain COPY from the build context: " + copy);
                if (!source.equals(JAR)) assertTrue(Files.exists(Scripts.ROOT.resolve(source)), source + " (COPY " + copy + ") is missing");
                String name = Path.of(source).getFileName().toString();
                String dest = copy.get(copy.size() - 1);
                destinations.add(dest.endsWith("/") ? dest + name : dest);
            }
        }
        // lit.jar exists only after `package` (DockerFilesIT): here, that it is the shade plugin's output, target/${finalName}.jar.
        String pom = Files.readString(Scripts.ROOT.resolve("lit-train/pom.xml"));
        Matcher shade = Pattern.compile("<artifactId>maven-shade-plugin</artifactId>.*?<finalName>([^<]+)</finalName>", Pattern.DOTALL).matcher(pom);
        assertTrue(shade.find() && JAR.equals("lit-train/target/" + shade.group(1) + ".jar"), "the shade plugin's finalName makes " + JAR);
        assertTrue(destinations.containsAll(List.of("/opt/lit/lit.jar", ENTRYPOINT, "/opt/lit/gpus.sh", "/opt/lit/conf")), destinations.toString());
        assertTrue(Files.readString(DOCKER.resolve("Dockerfile")).contains("ENTRYPOINT [\"" + ENTRYPOINT + "\"]"));
    }

    @Test
    void composeNamesTheImageItsDockerfileTheGpusAndTheSharedVolume() throws IOException {
        JsonNode compose = new YAMLMapper().readTree(DOCKER.resolve("docker-compose.yml").toFile());
        JsonNode services = compose.get("services");
        assertEquals(List.of("master", "worker", "submit"), fieldNames(services));
        JsonNode build = services.get("master").get("build");
        Path context = DOCKER.resolve(build.get("context").asText()).normalize();
        assertEquals(Scripts.ROOT, context, "build context: the repository root, where the COPY sources are");
        assertTrue(Files.isRegularFile(context.resolve(build.get("dockerfile").asText())), "the compose file's Dockerfile exists");
        assertTrue(compose.get("volumes").has("shared"), "a top-level shared volume");
        for (String name : fieldNames(services)) {
            JsonNode s = services.get(name);
            assertEquals("lit-worker", s.get("image").asText(), name + "'s image");
            assertEquals("shared:/opt/lit/shared", s.get("volumes").get(0).asText(), name + " mounts the shared volume");
        }
        assertEquals("master", services.get("master").get("command").get(0).asText());
        assertEquals("master", services.get("master").get("hostname").asText());
        assertTrue(services.get("master").get("ports").toString().contains("7077:7077"));
        for (String name : List.of("worker", "submit")) {
            assertEquals("spark://master:7077", services.get(name).get("environment").get("LIT_MASTER").asText(), name + " finds the master");
            JsonNode device = services.get(name).get("deploy").get("resources").get("reservations").get("devices").get(0);
            assertEquals("nvidia", device.get("driver").asText(), name + " reserves NVIDIA GPUs");
            assertEquals("[\"gpu\"]", device.get("capabilities").toString());
        }
        assertEquals("worker", services.get("worker").get("command").get(0).asText());
        assertEquals(1, services.get("worker").get("deploy").get("replicas").asInt());
        assertEquals(List.of(ENTRYPOINT, "submit"), texts(services.get("submit").get("entrypoint")));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** gpus.sh's output, parsed as Spark parses it (ResourceInformationJson: name, addresses). */
    private JsonNode discover(Map<String, String> fakes) throws Exception {
        Scripts.Result r = Scripts.run(Scripts.bin(dir, SCRIPT_TOOLS, fakes), dir, 30, "docker/gpus.sh");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(List.of("name", "addresses"), fieldNames(json));
        assertEquals("gpu", json.get("name").asText());
        assertTrue(json.get("addresses").isArray());
        return json;
    }

    @Test
    void gpusShListsEachGpuIndex() throws Exception {
        JsonNode json = discover(Map.of("nvidia-smi", "printf '0\\n1\\n'"));
        assertEquals(List.of("0", "1"), texts(json.get("addresses")));
        json.get("addresses").forEach(a -> assertTrue(a.isTextual(), "Spark's addresses are strings"));
    }

    @Test
    void gpusShOffersNoGpuWithoutNvidiaSmi() throws Exception {
        assertEquals(0, discover(Map.of()).get("addresses").size());
        assertTrue(Files.readString(dir.resolve("err.txt")).contains("nvidia-smi is missing or failed"));
    }

    @Test
    void gpusShOffersNoGpuWhenNvidiaSmiFails() throws Exception {
        assertEquals(0, discover(Map.of("nvidia-smi", "echo 'NVIDIA-SMI has failed'; exit 9")).get("addresses").size());
    }

    @Test
    void aWorkerWithoutGpusRefusesToStart() throws Exception {
        Scripts.Result r = Scripts.run(Scripts.bin(dir, SCRIPT_TOOLS, Map.of()), dir, 30, "docker/entrypoint.sh", "worker", "spark://master:7077");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("no NVIDIA GPU visible in this container"), r.err());
    }
}

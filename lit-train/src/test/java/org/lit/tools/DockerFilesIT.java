package org.lit.tools;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** After `package`: every file docker/Dockerfile copies exists, lit.jar among them, and lit.jar is the runnable jar. */
class DockerFilesIT {
    @Test
    void everyCopySourceExistsAfterPackage() throws Exception {
        for (List<String> copy : DockerFilesTest.copies()) {
            for (String source : copy.subList(0, copy.size() - 1)) {
                assertTrue(Files.exists(Scripts.ROOT.resolve(source)), source + " (COPY " + copy + ") is missing after package");
            }
        }
        Path jar = Scripts.ROOT.resolve(DockerFilesTest.JAR);
        try (JarFile j = new JarFile(jar.toFile())) {
            assertEquals("org.lit.cli.Lit", j.getManifest().getMainAttributes().getValue("Main-Class"));
            assertTrue(j.getEntry("org/lit/cli/Lit.class") != null && j.getEntry("org/lit/core/Tf32.class") != null, "lit.jar holds the lit command and lit-core");
        }
    }
}

package io.ebpfexporter.server.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a YAML file once with SnakeYAML before Helidon does, so that a syntax error is one line naming
 * the file, line and column, a key given twice is an error (which value would win is a guess), and a
 * file that is not a mapping at its top says so instead of failing with a class cast.
 */
final class YamlCheck {
    private YamlCheck() {
    }

    static void check(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object top;
        try {
            top = new Yaml(new SafeConstructor(options)).load(Files.readString(file));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? file.toString() : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : String.valueOf(e.getContext());
            throw new StartupException(where + ": " + problem.lines().findFirst().orElse(problem).trim()
                    + (problem.contains("duplicate key") ? "; give each key once" : "; fix the YAML syntax"));
        } catch (YAMLException | IOException e) {
            throw new StartupException(file + ": " + e.getMessage().lines().findFirst().orElse("") + "; fix the YAML syntax");
        }
        if (top != null && !(top instanceof Map)) {
            throw new StartupException(file + ": the top level must be a mapping of keys (such as server:), not a "
                    + (top instanceof Iterable ? "list" : "single value"));
        }
    }
}

package io.ebpfexporter.server.config;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.config.Setting;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Every config key the exporter accepts, derived from the declarations of the server's settings and
 * each discovered collector's: a flag {@code --<full key>} per key plus the aliases it declares, the
 * keys a YAML file may hold, and the {@code --help} text.
 */
public final class ConfigFlags {
    /** A declared setting under its full config key. */
    record Key(String fullKey, Setting setting) {
    }

    /** A titled group of keys, for --help. */
    private record Section(String title, List<Key> keys) {
    }

    private final List<Section> sections = new ArrayList<>();
    private final Map<String, Key> byFlag = new LinkedHashMap<>();
    private final Map<String, Key> byKey = new LinkedHashMap<>();

    public ConfigFlags(List<Collector> collectors) {
        add("Server", "", ServerSettings.ALL);
        for (Collector collector : collectors) {
            List<Setting> settings = new ArrayList<>();
            settings.add(enabled(collector));
            settings.addAll(collector.settings());
            add("Collector " + collector.name(), "collectors." + collector.name() + ".", settings);
        }
    }

    /** {@code collectors.<name>.enabled}, on by the collector's own default. */
    static Setting enabled(Collector collector) {
        return Setting.bool("enabled", collector.enabledByDefault(), "the " + collector.name() + " collector",
                collector.enabledAliases().toArray(String[]::new));
    }

    private void add(String title, String prefix, List<Setting> settings) {
        List<Key> keys = new ArrayList<>();
        for (Setting setting : settings) {
            Key key = new Key(prefix + setting.key(), setting);
            keys.add(key);
            byKey.put(key.fullKey(), key);
            byFlag.put("--" + key.fullKey(), key);
            setting.aliases().forEach(alias -> byFlag.put(alias, key));
        }
        sections.add(new Section(title, keys));
    }

    Optional<Key> flag(String flag) {
        return Optional.ofNullable(byFlag.get(flag));
    }

    /** Every declared key. */
    Collection<Key> keys() {
        return byKey.values();
    }

    Optional<Key> key(String fullKey) {
        return Optional.ofNullable(byKey.get(fullKey));
    }

    /** The full keys under {@code prefix} (e.g. "server." or "collectors.maps."), for messages. */
    List<String> keysUnder(String prefix) {
        return byKey.keySet().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length())).toList();
    }

    /** The top-level sections keys live in: server, metrics, collectors. */
    List<String> topLevel() {
        return byKey.keySet().stream().map(k -> k.substring(0, k.indexOf('.'))).distinct().toList();
    }

    /** The --help rows for every key, as (flags, text): its flag and aliases, what it does and its default. */
    void describe(StringBuilder out, BiConsumer<String, String> row) {
        for (Section section : sections) {
            out.append('\n').append(section.title()).append(":\n");
            for (Key key : section.keys()) {
                Setting s = key.setting();
                String value = switch (s.kind()) {
                    case SWITCH -> "";
                    case DURATION -> "=DURATION";
                    case COUNT, PORT -> "=N";
                    case CHOICE -> "=" + String.join("|", s.choices());
                    case TEXT -> "=VALUE";
                };
                List<String> flags = new ArrayList<>(s.aliases());
                flags.add("--" + key.fullKey());
                row.accept(flags.get(0) + value, s.help() + defaultText(s));
                if (flags.size() > 1) {
                    row.accept("", "also " + String.join(", ", flags.subList(1, flags.size())));
                }
            }
        }
    }

    private static String defaultText(Setting setting) {
        if (setting.defaultValue() == null) {
            return "";
        }
        if (setting.kind() == Setting.Kind.SWITCH) {
            return setting.defaultValue().equals("true") ? " (default on)" : " (default off)";
        }
        return " (default " + setting.defaultValue() + ")";
    }
}

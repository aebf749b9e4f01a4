//! The team's own radar shape (`[radar]` in radar.toml) through the binary:
//! custom slugs in entry files, the error an unknown one gets, what each
//! export format does with a shape it can or cannot hold, imports reading
//! the names back, and `radar doctor` after a quadrant is renamed.

use crate::harness::{Run, TeamRadar, parse_json, row};
use serde_json::Value;

const NOW: &str = "2026-11-30T08:00:00Z";

const FIVE_BY_FIVE: &str = r#"
[radar]
quadrants = ["Techniques", "Tools", "Platforms", "Languages & Frameworks", "Data & AI"]
rings = ["Adopt", "Trial", "Assess", "Hold", "Retire"]
"#;

fn entry(name: &str, quadrant: &str, ring: &str) -> String {
    format!(
        "+++\nname = \"{name}\"\nquadrant = \"{quadrant}\"\nring = \"{ring}\"\n\n[[history]]\ndate = 2026-11-20\nring = \"{ring}\"\n+++\nWhy we placed {name} here.\n"
    )
}

/// A 5×5 radar with entries in the fifth quadrant and the fifth ring.
fn five_by_five() -> TeamRadar {
    TeamRadar::new()
        .config(FIVE_BY_FIVE)
        .stack("")
        .entry(
            "data-and-ai/spark.md",
            &entry("Spark", "data-and-ai", "adopt"),
        )
        .entry(
            "data-and-ai/hadoop.md",
            &entry("Hadoop", "data-and-ai", "retire"),
        )
        .entry("tools/vite.md", &entry("Vite", "tools", "trial"))
        .entry("tools/jenkins.md", &entry("Jenkins", "tools", "retire"))
        .entry("techniques/tdd.md", &entry("TDD", "techniques", "adopt"))
}

/// The default radar with the same kind of entries.
fn default_radar() -> TeamRadar {
    TeamRadar::new()
        .stack("")
        .entry("tools/vite.md", &entry("Vite", "tools", "trial"))
        .entry("tools/jenkins.md", &entry("Jenkins", "tools", "hold"))
        .entry("techniques/tdd.md", &entry("TDD", "techniques", "adopt"))
}

fn radar(team: &TeamRadar, args: &[&str]) -> Run {
    Run::of(team.command(NOW, args).output().unwrap())
}

fn ok(team: &TeamRadar, args: &[&str]) -> Run {
    let r = radar(team, args);
    assert_eq!(r.code, 0, "radar {args:?}: {}", r.stderr);
    r
}

/// (name, ring, quadrant) of every placed entry, as `update --json` sees them.
fn placed(team: &TeamRadar) -> Vec<(String, String, String)> {
    let report = ok(team, &["update", "--json"]).json;
    let mut out: Vec<(String, String, String)> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["ring"].is_null())
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_string();
            (s("name"), s("ring"), s("quadrant"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_misspelt_quadrant_names_the_file_line_and_the_valid_values() {
    let team = five_by_five().entry(
        "data-and-ai/flink.md",
        "+++\nname = \"Flink\"\nquadrant = \"data-and-a\"\nring = \"assess\"\n+++\n",
    );
    let r = radar(&team, &["export", "--format", "backstage"]);
    println!("misspelt quadrant, exit {}:\n{}", r.code, r.stderr);
    assert_eq!(r.code, 2);
    let file = team.path().join("entries/data-and-ai/flink.md");
    assert!(
        r.stderr.contains(&format!(
            "{}:3: unknown quadrant \"data-and-a\" (did you mean \"data-and-ai\"?); the configured quadrants are: techniques, tools, platforms, languages-and-frameworks, data-and-ai",
            file.display()
        )),
        "{}",
        r.stderr
    );

    // stack.toml: the same, with its line.
    let team = five_by_five()
        .stack("[[tech]]\nname = \"dbt\"\nquadrant = \"data-and-ai\"\nring = \"retyre\"\n");
    let r = radar(&team, &["update"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("stack.toml:4:"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("unknown ring \"retyre\" (did you mean \"retire\"?)"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_bad_shape_is_a_config_error_with_its_line() {
    let team = TeamRadar::new()
        .config("\n[radar]\nquadrants = [\"Only\"]\n")
        .stack("");
    let r = radar(&team, &["export", "--format", "backstage"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("radar.toml:4:1: [radar] quadrants: 1 given; a radar has 2 to 8 quadrants"),
        "{}",
        r.stderr
    );
}

#[test]
fn custom_slugs_round_trip_through_update_and_the_formats_that_hold_them() {
    let team = five_by_five();
    let want = placed(&team);
    assert!(want.contains(&("Hadoop".into(), "retire".into(), "data-and-ai".into())));

    let b = ok(&team, &["export", "--format", "backstage"]).json;
    let names: Vec<&str> = b["quadrants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Techniques",
            "Tools",
            "Platforms",
            "Languages & Frameworks",
            "Data & AI"
        ]
    );
    assert_eq!(b["rings"][4]["id"], "retire");
    assert_eq!(
        row(&b["entries"], "title", "Hadoop")["quadrant"],
        "data-and-ai"
    );

    for format in ["backstage", "aoe"] {
        let out = tempfile::tempdir().unwrap();
        let path = out
            .path()
            .join(if format == "aoe" { "radar" } else { "r.json" });
        ok(
            &team,
            &[
                "export",
                "--format",
                format,
                "--out",
                path.to_str().unwrap(),
            ],
        );
        let fresh = TeamRadar::new().config(FIVE_BY_FIVE).stack("");
        let report = ok(&fresh, &["import", path.to_str().unwrap(), "--json"]).json;
        assert_eq!(
            report["skipped"],
            serde_json::json!([]),
            "{format}: {report:#}"
        );
        assert_eq!(placed(&fresh), want, "{format}");
    }
}

#[test]
fn byor_takes_custom_names_for_four_quadrants_and_reads_them_back() {
    let shape = "\n[radar]\nquadrants = [\"Practices\", \"Tooling\", \"Infrastructure\", \"Data & AI\"]\nrings = [\"Use\", \"Try\", \"Stop\"]\n";
    let team = TeamRadar::new()
        .config(shape)
        .stack("")
        .entry(
            "data-and-ai/spark.md",
            &entry("Spark", "data-and-ai", "use"),
        )
        .entry("tooling/jenkins.md", &entry("Jenkins", "tooling", "stop"));
    let csv = ok(&team, &["export", "--format", "byor-csv"]).stdout;
    assert!(csv.contains("\nSpark,Use,Data & AI,"), "{csv}");
    assert!(csv.contains("\nJenkins,Stop,Tooling,"), "{csv}");
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("radar.csv");
    std::fs::write(&path, csv).unwrap();
    let fresh = TeamRadar::new().config(shape).stack("");
    ok(&fresh, &["import", path.to_str().unwrap()]);
    assert_eq!(placed(&fresh), placed(&team));
}

#[test]
fn formats_that_cannot_hold_the_shape_fail_or_fit() {
    let team = five_by_five();
    let mut table: Vec<String> = Vec::new();
    for format in ["byor-csv", "byor-json", "zalando", "backstage", "aoe"] {
        for (label, radar_dir) in [("default 4×4", default_radar()), ("5×5", five_by_five())] {
            let out = tempfile::tempdir().unwrap();
            let path = out.path().join("export");
            let p = path.to_str().unwrap();
            let plain = radar(&radar_dir, &["export", "--format", format, "--out", p]);
            let fit = radar(
                &radar_dir,
                &["export", "--format", format, "--fit", "--out", p],
            );
            let said = |r: &Run| match r.code {
                0 => r.stderr.lines().next().unwrap_or("").to_string(),
                c => format!("exit {c}: {}", r.stderr.trim()),
            };
            table.push(format!(
                "| {format} | {label} | {} | {} |",
                said(&plain),
                said(&fit).replace('\n', "; ")
            ));
        }
    }
    println!(
        "| format | shape | export | export --fit |\n| --- | --- | --- | --- |\n{}",
        table.join("\n")
    );

    for format in ["zalando", "byor-csv"] {
        let r = radar(&team, &["export", "--format", format]);
        assert_eq!(r.code, 2, "{format}");
        assert!(
            r.stderr
                .contains(&format!("{format} holds exactly 4 quadrants and")),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("this radar has 5 quadrants"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("--fit"), "{}", r.stderr);
    }
    let r = ok(&team, &["export", "--format", "zalando", "--fit"]);
    assert!(
        r.stderr
            .contains("left out 3 entries that zalando cannot hold"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("Spark: quadrant data-and-ai is past zalando's 4"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("Jenkins: ring retire is past zalando's 4"),
        "{}",
        r.stderr
    );
    let z: Value = parse_json(&r.stdout);
    assert_eq!(z["quadrants"].as_array().unwrap().len(), 4);
    assert_eq!(z["rings"].as_array().unwrap().len(), 4);
    let labels: Vec<&str> = z["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.len(), 2, "{labels:?}");
    assert!(labels.contains(&"Vite") && labels.contains(&"TDD"));

    // A shape with too few quadrants cannot be fitted into four.
    let three = TeamRadar::new()
        .config("\n[radar]\nquadrants = [\"A\", \"B\", \"C\"]\n")
        .stack("");
    let r = radar(&three, &["export", "--format", "zalando", "--fit"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("this radar has 3 quadrants"),
        "{}",
        r.stderr
    );
}

#[test]
fn doctor_finds_entries_a_renamed_quadrant_left_behind() {
    let team = default_radar().config(
        "\n[radar]\nquadrants = [\"Techniques\", \"Tooling\", \"Platforms\", \"Languages & Frameworks\"]\n",
    );
    let r = radar(&team, &["export", "--format", "backstage"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "2 entries sit in a folder that is not a configured quadrant (closest: tooling)"
        ),
        "{}",
        r.stderr
    );

    let r = radar(&team, &["doctor"]);
    println!(
        "doctor after renaming Tools to Tooling, exit {}:\n{}",
        r.code, r.stdout
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let folder = team.path().join("entries/tools");
    assert!(
        r.stdout.contains(&format!(
            "{}: 2 entries in a folder that is not a configured quadrant; did you mean \"tooling\"?",
            folder.display()
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!(
            "{}:3: quadrant = \"tools\" is not a configured quadrant; did you mean \"tooling\"?",
            folder.join("vite.md").display()
        )),
        "{}",
        r.stdout
    );
}

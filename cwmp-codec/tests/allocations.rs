//! Reading allocates no more than a plain quick-xml scan of the same bytes, plus what the
//! result holds: counted with a counting global allocator wrapping `System` (`alloc` and
//! `realloc` calls).
//!
//! Budget per shared Inform vector: the allocations (and reallocations) of a quick-xml event
//! scan with the default configuration, plus one per non-empty list in the envelope, plus one
//! per `Cow::Owned` string in it (the reader's element stack and namespace table are inline);
//! and never more than eight.
//!
//! The counter is global and sees every thread, so there is one test, which runs the checks in
//! turn while no other test thread exists.
#![allow(missing_docs)]

use std::alloc::System;
use std::borrow::Cow;

use cwmp_codec::{Body, Envelope, EventCode, Header, Inform, Value, XsdType};
use quick_xml::events::Event;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

// `System`, counting every call in atomics (`unsafe_code` is forbidden in the workspace, so the
// wrapper is `stats_alloc`'s).
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The `alloc` and `realloc` calls `f` makes, and its result.
fn counted<T>(f: impl FnOnce() -> T) -> (Calls, T) {
    let region = Region::new(GLOBAL);
    let out = f();
    let stats = region.change();
    (
        Calls {
            alloc: stats.allocations,
            realloc: stats.reallocations,
        },
        out,
    )
}

#[derive(Debug, Clone, Copy)]
struct Calls {
    alloc: usize,
    realloc: usize,
}

impl Calls {
    fn total(self) -> usize {
        self.alloc + self.realloc
    }
}

impl std::fmt::Display for Calls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} alloc + {} realloc)",
            self.total(),
            self.alloc,
            self.realloc
        )
    }
}

fn quickxml_scan(bytes: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return events,
            Ok(_) => events += 1,
            Err(e) => panic!("not well-formed: {e}"),
        }
    }
}

/// 1 for an owned string: the variant is what is counted, so this takes the `Cow`.
#[allow(clippy::ptr_arg)]
fn owned(s: &Cow<'_, str>) -> usize {
    usize::from(matches!(s, Cow::Owned(_)))
}

fn owned_opt(s: Option<&Cow<'_, str>>) -> usize {
    s.map_or(0, owned)
}

fn owned_value(v: &Value<'_>) -> usize {
    let ty = match &v.xsd_type {
        XsdType::Other(name) => owned(name),
        _ => 0,
    };
    ty + owned(&v.text)
}

/// `(non-empty lists, Cow::Owned strings)` in a header.
fn header_counts(h: &Header<'_>) -> (usize, usize) {
    let mut cows = owned_opt(h.id.as_ref())
        + owned_opt(h.supported_cwmp_versions.as_ref())
        + owned_opt(h.use_cwmp_version.as_ref());
    let mut lists = usize::from(!h.unknown.is_empty());
    for u in &h.unknown {
        // The raw text is always borrowed: it is a slice of the input.
        cows += owned(&u.namespace) + owned(&u.name);
        lists += usize::from(!u.raw.in_scope().is_empty());
        for (prefix, uri) in u.raw.in_scope() {
            cows += owned(prefix) + owned(uri);
        }
    }
    (lists, cows)
}

/// `(non-empty lists, Cow::Owned strings)` in an Inform.
fn inform_counts(i: &Inform<'_>) -> (usize, usize) {
    let lists = usize::from(!i.event.is_empty()) + usize::from(!i.parameter_list.is_empty());
    let d = &i.device_id;
    let mut cows = owned(&d.manufacturer)
        + owned(&d.oui)
        + owned(&d.product_class)
        + owned(&d.serial_number)
        + owned(&i.current_time.text);
    for e in &i.event {
        if let EventCode::Other(code) = &e.event_code {
            cows += owned(code);
        }
        cows += owned(&e.command_key);
    }
    for p in &i.parameter_list {
        cows += owned(&p.name) + owned_value(&p.value);
    }
    (lists, cows)
}

#[test]
fn allocation_budgets() {
    parsing_an_inform_allocates_no_more_than_a_quick_xml_scan_plus_lists();
    lazy_parameter_walk_allocates_nothing_per_item();
}

fn parsing_an_inform_allocates_no_more_than_a_quick_xml_scan_plus_lists() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/spec");
    let mut vectors: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("inform-") && name.ends_with(".xml")
        })
        .collect();
    vectors.sort();
    assert!(
        !vectors.is_empty(),
        "no Inform vectors in {}",
        dir.display()
    );

    let mut report = Vec::new();
    let mut failures = Vec::new();
    for path in &vectors {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).unwrap();
        // Warm up: anything the first call of either sets up once is not counted.
        quickxml_scan(&bytes);
        drop(Envelope::parse(&bytes).unwrap());

        let (scan, events) = counted(|| quickxml_scan(&bytes));
        let (parse, env) = counted(|| Envelope::parse(&bytes));
        let env = env.unwrap();
        let Body::Inform(inform) = &env.body else {
            panic!("{name} is not an Inform");
        };
        let (header_lists, header_cows) = header_counts(&env.header);
        let (body_lists, body_cows) = inform_counts(inform);
        let lists = header_lists + body_lists;
        let cows = header_cows + body_cows;
        // The reader's own element stack and namespace table live inline: nothing on top.
        let budget = scan.total() + lists + cows;
        report.push(format!(
            "{name}: parse {parse}, scan {scan} ({events} events), lists {lists}, owned {cows}, \
             budget {budget}"
        ));
        if parse.total() > budget || parse.total() > 8 {
            failures.push(name);
        }
    }
    let report = report.join("\n");
    println!("{report}");
    assert!(failures.is_empty(), "over budget: {failures:?}\n{report}");
}

fn gpvr_bytes(n: usize) -> Vec<u8> {
    use cwmp_codec::{CwmpVersion, GetParameterValuesResponse, ParameterValueStruct};
    let parameter_list = (0..n)
        .map(|i| {
            ParameterValueStruct::new(
                format!("Device.Services.STBService.1.Components.FrontEnd.{i}.Name"),
                if i % 2 == 0 {
                    Value::string(format!("fe-{i}"))
                } else {
                    Value::unsigned_int(i as u32)
                },
            )
        })
        .collect();
    let body = Body::GetParameterValuesResponse(GetParameterValuesResponse { parameter_list });
    Envelope::new(CwmpVersion::V1_0, "1", body).to_vec()
}

/// Walking a response with the lazy iterator allocates nothing per item: 20,000 items cost
/// what 1,000 do.
fn lazy_parameter_walk_allocates_nothing_per_item() {
    let walk = |bytes: &[u8]| {
        let mut n = 0usize;
        for p in cwmp_codec::ParameterIter::new(bytes).unwrap() {
            std::hint::black_box(p.unwrap());
            n += 1;
        }
        n
    };
    let small = gpvr_bytes(1_000);
    let large = gpvr_bytes(20_000);
    walk(&small);
    let (a, n_small) = counted(|| walk(&small));
    let (b, n_large) = counted(|| walk(&large));
    assert_eq!((n_small, n_large), (1_000, 20_000));
    assert_eq!(a.total(), b.total(), "small {a}, large {b}");
    assert!(b.total() <= 8, "{b}");
}

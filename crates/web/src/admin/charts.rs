//! The dashboards' charts, drawn on the server as SVG with plotters: no script, no font
//! files (plotters' SVG backend writes `<text>` and the browser picks the font), and only
//! presentation attributes (`fill`, `stroke`), which the pages' CSP (`style-src 'self'`)
//! allows where inline `style=` would not. The SVG is a picture for sighted readers; each
//! chart's table beside it is the accessible version, so the SVG is `role="img"` named by
//! the chart's heading and description.

use plotters::prelude::*;
use store::Window;
use time::{Duration, OffsetDateTime};

use crate::i18n::Lang;

/// The drawing's size in its own units; CSS scales it to the column (a phone's too).
const WIDTH: u32 = 640;
const HEIGHT: u32 = 300;
/// Text size in SVG units (plotters writes 1/1.24 of it): 13 px at full width, 7 px on a
/// 390 px phone, where the table carries the numbers.
const FONT: f64 = 16.0;
const INK: RGBColor = RGBColor(0x1d, 0x23, 0x30);
const GRID: RGBColor = RGBColor(0xe3, 0xe6, 0xec);
const AXIS: RGBColor = RGBColor(0x8a, 0x93, 0xa3);
/// Okabe and Ito's colours, told apart with the common colour-vision deficiencies, then two
/// of Paul Tol's; "others" are grey.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0x56, 0xb4, 0xe9),
    RGBColor(0x00, 0x00, 0x00),
    RGBColor(0xf0, 0xe4, 0x42),
    RGBColor(0x88, 0x22, 0x55),
    RGBColor(0x44, 0xaa, 0x99),
];
pub(super) const OTHERS: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// The `i`th series' colour.
pub(super) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// `#rrggbb`, for the legend beside a chart.
pub(super) fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// How the counts of a time chart are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// A line per series: rates that are read one by one (DNS answers, policy decisions).
    Lines,
    /// Bars stacked per slot: parts of one whole (listings by reason).
    Stacked,
}

/// A chart over time: one value per slot of the window for each series.
pub(super) struct TimeChart<'a> {
    pub window: &'a Window,
    pub shape: Shape,
    pub series: Vec<(RGBColor, &'a [i64])>,
    pub x_desc: String,
    pub y_desc: String,
    pub lang: Lang,
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

/// The chart as SVG, labelled by the elements `labelled_by` names.
pub(super) fn time_svg(chart: &TimeChart, labelled_by: &str) -> Result<String, String> {
    let mut svg = String::new();
    draw_time(chart, &mut svg).map_err(|e| format!("cannot draw a chart: {e}"))?;
    Ok(finish(&svg, labelled_by))
}

fn draw_time(c: &TimeChart, out: &mut String) -> Drawn {
    let slots = c.window.slots.max(1);
    let top = match c.shape {
        Shape::Lines => c.series.iter().flat_map(|(_, v)| v.iter()).copied().max(),
        Shape::Stacked => (0..slots)
            .map(|i| {
                c.series
                    .iter()
                    .map(|(_, v)| v.get(i).copied().unwrap_or(0))
                    .sum()
            })
            .max(),
    };
    let top = nice_top(top.unwrap_or(0));
    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let ticks = ticks(c.window);
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        // Room for half a date centred on the last tick.
        .margin_right(44)
        .x_label_area_size(58)
        .y_label_area_size(84)
        .build_cartesian_2d((0..slots as i64).with_key_points(ticks.clone()), 0..top)?;
    let long = tick_spacing(c.window) >= Duration::days(1);
    let x_label = |i: &i64| {
        let at = c.window.slot_start(usize::try_from(*i).unwrap_or(0));
        if long { day(at) } else { clock(at) }
    };
    let y_label = |n: &i64| c.lang.number(u64::try_from(*n).unwrap_or(0));
    let font = ("sans-serif", FONT).into_font().color(&INK);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(5)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style(font.clone())
        .axis_desc_style(font)
        .x_desc(c.x_desc.as_str())
        .y_desc(c.y_desc.as_str())
        .axis_style(AXIS)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()?;
    match c.shape {
        Shape::Lines => {
            for (color, values) in &c.series {
                let points = values.iter().enumerate().map(|(i, v)| (i as i64, *v));
                chart.draw_series(LineSeries::new(points, color.stroke_width(2)))?;
            }
        }
        Shape::Stacked => {
            // A gap between bars only where there is room for one.
            let gap = u32::from(slots <= 60);
            let mut base = vec![0i64; slots];
            for (color, values) in &c.series {
                let bars = values
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| **v > 0)
                    .map(|(i, v)| {
                        let (x, y0) = (i as i64, base[i]);
                        let mut bar = Rectangle::new([(x, y0), (x + 1, y0 + v)], color.filled());
                        bar.set_margin(0, 0, gap, gap);
                        bar
                    });
                chart.draw_series(bars.collect::<Vec<_>>())?;
                for (b, v) in base.iter_mut().zip(values.iter()) {
                    *b += (*v).max(0);
                }
            }
        }
    }
    root.present()?;
    Ok(())
}

/// A ranking as horizontal bars, one row per name: the name above its bar, the count after
/// it, so a long address fits a phone's width.
pub(super) fn ranking_svg(
    rows: &[(String, RGBColor, i64)],
    lang: Lang,
    labelled_by: &str,
) -> Result<String, String> {
    let mut svg = String::new();
    draw_ranking(rows, lang, &mut svg).map_err(|e| format!("cannot draw a chart: {e}"))?;
    Ok(finish(&svg, labelled_by))
}

const ROW: i32 = 48;

fn draw_ranking(rows: &[(String, RGBColor, i64)], lang: Lang, out: &mut String) -> Drawn {
    let height = u32::try_from(rows.len()).unwrap_or(0) * ROW as u32 + 12;
    let root = SVGBackend::with_string(out, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let most = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1);
    let room = WIDTH as i32 - 24 - 120;
    let font = ("sans-serif", FONT).into_font().color(&INK);
    for (i, (name, color, n)) in rows.iter().enumerate() {
        let y = 8 + i as i32 * ROW;
        root.draw(&Text::new(name.as_str(), (12, y), font.clone()))?;
        let len = (i64::from(room) * n.max(&0) / most) as i32;
        root.draw(&Rectangle::new(
            [(12, y + 24), (12 + len.max(1), y + 40)],
            color.filled(),
        ))?;
        root.draw(&Text::new(
            lang.number(u64::try_from(*n).unwrap_or(0)),
            (20 + len, y + 24),
            font.clone(),
        ))?;
    }
    root.present()?;
    Ok(())
}

/// The SVG opening tag sized by CSS instead of fixed pixels, named for assistive technology
/// by `labelled_by`, and without a tab stop (it has nothing to do; the table has the data).
fn finish(svg: &str, labelled_by: &str) -> String {
    let body = svg.find("viewBox=").map_or(svg, |at| &svg[at..]);
    format!(
        r#"<svg class="chart" role="img" aria-labelledby="{labelled_by}" focusable="false" {body}"#
    )
}

/// A round top for the y axis at or above `max` (1, 2 or 5 times a power of ten), so the
/// grid lines fall on round numbers.
fn nice_top(max: i64) -> i64 {
    let max = max.max(1);
    let mut unit = 1i64;
    loop {
        for m in [1, 2, 5] {
            let top = unit.saturating_mul(m);
            if top >= max {
                return top;
            }
        }
        match unit.checked_mul(10) {
            Some(u) => unit = u,
            None => return max,
        }
    }
}

/// The time between labelled ticks: the first of 1 h, 3 h, 6 h, 12 h, 1 d, 2 d, 7 d, 14 d,
/// 30 d that puts at most eight times (`15:00`) or five dates (`2025-03-04`) on the axis,
/// which fit its width without overlapping.
fn tick_spacing(w: &Window) -> Duration {
    let span = w.until() - w.since;
    [1, 3, 6, 12, 24, 48, 168, 336, 720]
        .into_iter()
        .map(Duration::hours)
        .find(|d| span / *d <= if *d < Duration::days(1) { 8.0 } else { 5.0 })
        .unwrap_or(Duration::days(30))
}

/// The slots whose start is on a tick: whole multiples of the spacing in UTC (midnights for
/// a day or more, counted from the window's first midnight for longer spacings).
fn ticks(w: &Window) -> Vec<i64> {
    let spacing = tick_spacing(w);
    let day = Duration::days(1);
    (0..w.slots)
        .filter(|&i| {
            let at = w.slot_start(i);
            if spacing <= day {
                at.unix_timestamp().rem_euclid(spacing.whole_seconds()) == 0
            } else {
                let from_first = at - w.slot_start(0);
                at.unix_timestamp().rem_euclid(day.whole_seconds()) == 0
                    && from_first.whole_days() % spacing.whole_days() == 0
            }
        })
        .map(|i| i as i64)
        .collect()
}

/// `2025-03-04`: a date no reader takes for another.
pub(super) fn day(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// `15:04`, on the 24-hour clock.
pub(super) fn clock(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(step: Duration, slots: usize) -> Window {
        Window {
            since: OffsetDateTime::from_unix_timestamp(1_700_000_000 / 86_400 * 86_400).unwrap(),
            step,
            slots,
        }
    }

    #[test]
    fn tops_are_round_and_ticks_fall_on_whole_hours_or_days() {
        assert_eq!(
            [0, 1, 3, 7, 10, 11, 999, 1001].map(nice_top),
            [1, 1, 5, 10, 10, 20, 1000, 2000]
        );
        let day = window(Duration::minutes(1), 1440);
        assert_eq!(ticks(&day), [0, 180, 360, 540, 720, 900, 1080, 1260]);
        let week = window(Duration::hours(1), 168);
        assert_eq!(ticks(&week), [0, 48, 96, 144]);
        let quarter = window(Duration::days(1), 90);
        assert_eq!(ticks(&quarter), [0, 30, 60]);
        let month = window(Duration::days(1), 30);
        assert_eq!(ticks(&month), [0, 7, 14, 21, 28]);
    }

    #[test]
    fn a_chart_is_an_svg_without_script_or_style_named_by_its_labels() {
        let w = window(Duration::hours(1), 24);
        let a: Vec<i64> = (0..24).collect();
        let b = vec![3; 24];
        for shape in [Shape::Lines, Shape::Stacked] {
            let chart = TimeChart {
                window: &w,
                shape,
                series: vec![(color(0), &a), (color(1), &b)],
                x_desc: "Time (UTC)".into(),
                y_desc: "per hour".into(),
                lang: Lang::It,
            };
            let svg = time_svg(&chart, "t d").unwrap();
            assert!(svg.starts_with(r#"<svg class="chart" role="img" aria-labelledby="t d""#));
            assert!(!svg.contains("<script") && !svg.contains("style="), "{svg}");
            assert!(svg.contains(">\n00:00") || svg.contains("00:00"), "{svg}");
        }
        let ranked = ranking_svg(&[("a@x.example".into(), OTHERS, 12_345)], Lang::It, "t").unwrap();
        assert!(
            ranked.contains("a@x.example") && ranked.contains("12.345"),
            "{ranked}"
        );
    }
}

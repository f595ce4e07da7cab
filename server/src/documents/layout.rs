//! Breaking Chinese text into lines. Chinese may break between any two characters, except
//! where the punctuation rules (禁则) forbid it: a closing mark (，。、）》” …) never starts a
//! line and an opening mark (（《“ …) never ends one; a run of Latin letters or digits (a year,
//! a number, a word) is not split unless it is longer than a line. When a closing mark would
//! start a line, the character before it moves down with it (推出), and the lines that lost
//! width are justified to both edges (两端对齐), as typesetters of official documents do.

/// Marks that must not start a line.
const NO_START: &str = "，。、；：？！）】》」』〕〉”’…—·%‰,.;:?!)]}";
/// Marks that must not end a line.
const NO_END: &str = "（【《「『〔〈“‘([{";

/// One laid-out line: its characters with their widths (pt), its indent, and whether it is
/// to be justified (every line of a paragraph but its last).
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub chars: Vec<(char, f32)>,
    pub indent: f32,
    pub justify: bool,
}

impl Line {
    pub fn text(&self) -> String {
        self.chars.iter().map(|(c, _)| c).collect()
    }

    pub fn natural_width(&self) -> f32 {
        self.chars.iter().map(|(_, w)| w).sum()
    }

    /// Each character's x offset (from the line's start, indent included) for a line `width`
    /// wide. Justification adds at most half an em between two characters: a line cut short
    /// by a long unbreakable run stays ragged rather than gappy.
    pub fn positions(&self, width: f32, em: f32) -> Vec<f32> {
        let gaps = self.chars.len().saturating_sub(1);
        let slack = width - self.indent - self.natural_width();
        let extra = if self.justify && gaps > 0 && slack > 0.0 {
            let per = slack / gaps as f32;
            if per <= em * 0.5 {
                per
            } else {
                0.0
            }
        } else {
            0.0
        };
        let mut x = self.indent;
        self.chars
            .iter()
            .map(|(_, w)| {
                let at = x;
                x += w + extra;
                at
            })
            .collect()
    }
}

fn is_latin(c: char) -> bool {
    c.is_ascii_graphic() && !NO_START.contains(c) && !NO_END.contains(c)
}

/// Units that are never split: a run of Latin letters and digits (with the points, commas and
/// colons inside a number or a time: 92.65, 1,000, 09:30), or a single character.
fn atoms(text: &str) -> Vec<Vec<char>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Vec<char>> = Vec::new();
    let mut latin = false;
    for (i, &c) in chars.iter().enumerate() {
        let inner = matches!(c, '.' | ',' | ':')
            && latin
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric());
        let this = is_latin(c) || inner;
        match out.last_mut() {
            Some(last) if this && latin => last.push(c),
            _ => out.push(vec![c]),
        }
        latin = this;
    }
    out
}

/// Atoms glued where no break is allowed: after an opening mark, before a closing mark.
fn clusters(text: &str) -> Vec<Vec<char>> {
    let mut out: Vec<Vec<char>> = Vec::new();
    for atom in atoms(text) {
        let glue = match (out.last(), atom.first()) {
            (Some(prev), Some(&first)) => {
                let last = *prev.last().expect("clusters are not empty");
                NO_END.contains(last) || NO_START.contains(first)
            }
            _ => false,
        };
        if glue {
            out.last_mut().expect("checked").extend(atom);
        } else {
            out.push(atom);
        }
    }
    out
}

/// Breaks one paragraph into lines `width` pt wide; the first line starts `first_indent` pt
/// in. `advance` is a character's width in pt. Spaces at the edges of a line are dropped.
pub fn break_paragraph(
    text: &str,
    width: f32,
    first_indent: f32,
    advance: &dyn Fn(char) -> f32,
) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut cur = Line {
        chars: Vec::new(),
        indent: first_indent,
        justify: true,
    };
    let mut used = first_indent;
    for cluster in clusters(text) {
        let cw: f32 = cluster.iter().map(|&c| advance(c)).sum();
        if used + cw > width + 0.01 && !cur.chars.is_empty() {
            lines.push(finish(cur));
            cur = Line {
                chars: Vec::new(),
                indent: 0.0,
                justify: true,
            };
            used = 0.0;
        }
        for c in cluster {
            let w = advance(c);
            // Longer than a whole line (a long Latin run): cut it where it overflows.
            if used + w > width + 0.01 && !cur.chars.is_empty() {
                lines.push(finish(cur));
                cur = Line {
                    chars: Vec::new(),
                    indent: 0.0,
                    justify: true,
                };
                used = 0.0;
            }
            if c == ' ' && cur.chars.is_empty() {
                continue;
            }
            cur.chars.push((c, w));
            used += w;
        }
    }
    let mut last = finish(cur);
    last.justify = false;
    if !last.chars.is_empty() || lines.is_empty() {
        lines.push(last);
    }
    lines
}

/// Breaks a title into as few lines as it needs, of about equal length (a long title's lines
/// are balanced rather than one full line and a stub).
pub fn break_balanced(text: &str, width: f32, advance: &dyn Fn(char) -> f32) -> Vec<Line> {
    let greedy = break_paragraph(text, width, 0.0, advance);
    let n = greedy.len();
    if n < 2 {
        return greedy;
    }
    let total: f32 = text.chars().map(advance).sum();
    let mut w = total / n as f32;
    while w < width {
        let lines = break_paragraph(text, w, 0.0, advance);
        if lines.len() <= n {
            return lines;
        }
        w += 1.0;
    }
    greedy
}

fn finish(mut line: Line) -> Line {
    while line.chars.last().is_some_and(|(c, _)| *c == ' ') {
        line.chars.pop();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(c: char) -> f32 {
        if c.is_ascii() {
            8.0
        } else {
            16.0
        }
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(Line::text).collect()
    }

    #[test]
    fn breaks_between_any_two_chinese_characters() {
        let lines = break_paragraph("一二三四五六七八九十", 64.0, 0.0, &full);
        assert_eq!(texts(&lines), ["一二三四", "五六七八", "九十"]);
        assert!(lines[0].justify && !lines[2].justify);
    }

    #[test]
    fn a_closing_mark_never_starts_a_line() {
        // "四" would end the line and "，" start the next: "四" moves down with it.
        let lines = break_paragraph("一二三四，五六七", 64.0, 0.0, &full);
        assert_eq!(texts(&lines), ["一二三", "四，五六", "七"]);
        for l in &lines {
            assert!(!NO_START.contains(l.chars[0].0), "{l:?}");
        }
    }

    #[test]
    fn an_opening_mark_never_ends_a_line() {
        let lines = break_paragraph("一二三《四五》六", 64.0, 0.0, &full);
        assert_eq!(texts(&lines), ["一二三", "《四五》", "六"]);
    }

    #[test]
    fn numbers_stay_whole_and_the_indent_counts() {
        let lines = break_paragraph("一二2026年", 64.0, 32.0, &full);
        assert_eq!(texts(&lines), ["一二", "2026年"]);
        assert_eq!(lines[0].indent, 32.0);
        assert_eq!(lines[1].indent, 0.0);
    }

    #[test]
    fn a_decimal_number_is_not_split_at_its_point() {
        // "62.65" is 40 wide; it does not fit after 一二三 (48) in 80, so it moves down whole.
        let lines = break_paragraph("一二三62.65分", 80.0, 0.0, &full);
        assert_eq!(texts(&lines), ["一二三", "62.65分"]);
        // A sentence's full stop after a number still never starts a line.
        let lines = break_paragraph("一二三四5.", 64.0, 0.0, &full);
        assert!(!lines.iter().any(|l| l.chars[0].0 == '.'), "{lines:?}");
    }

    #[test]
    fn an_overlong_run_is_cut() {
        let lines = break_paragraph("abcdefghijkl", 64.0, 0.0, &full);
        assert_eq!(texts(&lines), ["abcdefgh", "ijkl"]);
    }

    #[test]
    fn justified_lines_reach_the_right_edge() {
        let lines = break_paragraph("一二三四，五六七", 64.0, 0.0, &full);
        let xs = lines[0].positions(64.0, 16.0);
        let last = xs.last().unwrap() + lines[0].chars.last().unwrap().1;
        assert!((last - 64.0).abs() < 0.01, "{xs:?}");
        // The paragraph's last line is not stretched.
        assert_eq!(lines[2].positions(64.0, 16.0), [0.0]);
    }

    #[test]
    fn titles_are_balanced() {
        let lines = break_balanced("一二三四五六七八九十", 128.0, &full);
        assert_eq!(texts(&lines), ["一二三四五", "六七八九十"]);
        assert_eq!(break_balanced("一二三", 128.0, &full).len(), 1);
    }

    #[test]
    fn empty_text_is_one_empty_line() {
        assert_eq!(break_paragraph("", 64.0, 0.0, &full).len(), 1);
    }
}

package dev.steward.control.web.ui;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.bench.BenchProfile;
import dev.steward.control.core.bench.BenchmarkFigure;
import dev.steward.control.core.bench.BenchmarkRun;
import dev.steward.control.core.bench.FigureKind;
import dev.steward.control.web.api.BenchmarkRoutes;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark figures as the pages show them (SPEC-2): the specifications page's section per
 * application (a table per package and a server-side SVG chart of the key figures) and a server's
 * own runs on its package page. Numbers in the reader's language; times in Europe/Brussels.
 *
 * <p>The chart is plain SVG built here (no script, no library): per key figure
 * ({@link FigureKind#key()}) one horizontal bar per package, the median, scaled to the larger
 * median of that figure within the application (figures have different units, so each is scaled
 * on its own); each bar's value is written next to it and in its {@code <title>}. The table is the
 * data source; the chart's {@code <desc>} says so.
 *
 * <p>Thread safety: immutable records and stateless helpers.
 */
public final class BenchmarkViews {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    /** Chart geometry: label column, bar area, value text. */
    static final int CHART_WIDTH = 640;
    static final int LABEL_WIDTH = 90;
    static final int BAR_AREA = 400;
    static final int HEADER_HEIGHT = 22;
    static final int BAR_HEIGHT = 16;
    static final int BAR_GAP = 4;

    private BenchmarkViews() {
    }

    /** One figure of one package in the table. */
    public record StatRow(String label, String unit, String median, String range, String p10p90, int servers,
                          String lastMeasured) {
    }

    /** One package's table. */
    public record PackageTable(String tier, int servers, List<StatRow> rows) {
    }

    /** One bar of the chart. */
    public record Bar(int x, int y, int width, int height, String tier, String value, String title, int textX,
                      int textY) {
    }

    /** One text of the chart (a figure's heading or a package label). */
    public record Label(int x, int y, String text) {
    }

    /** The chart: size, title, description, bars and labels. */
    public record Chart(String id, int width, int height, String title, String desc, List<Bar> bars,
                        List<Label> headings, List<Label> tierLabels) {
    }

    /** One application's benchmarks on the specifications page. */
    public record AppSection(String name, String slug, List<PackageTable> packages, Chart chart) {
    }

    /** One of a server's runs. */
    public record RunRow(String jobId, String measured, boolean quick, List<FigureRow> figures) {
    }

    /** One figure of a server's run. */
    public record FigureRow(String label, String value, String unit) {
    }

    /** The specifications page's sections, one per application with published figures. */
    public static List<AppSection> sections(View view, List<BenchmarkRoutes.PackageView> summary) {
        Map<Long, List<BenchmarkRoutes.PackageView>> byApplication = new LinkedHashMap<>();
        for (BenchmarkRoutes.PackageView p : summary) {
            byApplication.computeIfAbsent(p.application().id(), k -> new ArrayList<>()).add(p);
        }
        List<AppSection> sections = new ArrayList<>();
        for (List<BenchmarkRoutes.PackageView> packages : byApplication.values()) {
            BenchmarkRoutes.ApplicationRef application = packages.getFirst().application();
            List<PackageTable> tables = packages.stream().map(p -> new PackageTable(p.tier(), p.servers(),
                    p.figures().stream().map(f -> new StatRow(label(view, f.name()), f.unit(), number(view, f.median()),
                            number(view, f.min()) + " – " + number(view, f.max()),
                            number(view, f.p10()) + " – " + number(view, f.p90()), f.servers(),
                            day(f.lastMeasuredAt()))).toList())).toList();
            sections.add(new AppSection(application.name(), application.slug(), tables,
                    chart(view, application, packages)));
        }
        return sections;
    }

    private static Chart chart(View view, BenchmarkRoutes.ApplicationRef application,
                               List<BenchmarkRoutes.PackageView> packages) {
        List<Bar> bars = new ArrayList<>();
        List<Label> headings = new ArrayList<>();
        List<Label> tierLabels = new ArrayList<>();
        int y = 0;
        for (FigureKind kind : FigureKind.values()) {
            if (!kind.key()) {
                continue;
            }
            double max = 0;
            boolean any = false;
            for (BenchmarkRoutes.PackageView p : packages) {
                for (BenchmarkRoutes.StatsView f : p.figures()) {
                    if (f.name().equals(kind.figureName())) {
                        max = Math.max(max, f.median());
                        any = true;
                    }
                }
            }
            if (!any) {
                continue;
            }
            y += HEADER_HEIGHT;
            headings.add(new Label(0, y - 6, label(view, kind.figureName()) + " (" + kind.unit() + ")"));
            for (BenchmarkRoutes.PackageView p : packages) {
                for (BenchmarkRoutes.StatsView f : p.figures()) {
                    if (!f.name().equals(kind.figureName())) {
                        continue;
                    }
                    int width = max <= 0 ? 0 : (int) Math.round(f.median() / max * BAR_AREA);
                    String value = number(view, f.median()) + " " + kind.unit();
                    String tier = view.t("tier." + p.tier());
                    tierLabels.add(new Label(0, y + BAR_HEIGHT - 4, tier));
                    bars.add(new Bar(LABEL_WIDTH, y, Math.max(width, 1), BAR_HEIGHT, p.tier(), value,
                            tier + ": " + label(view, kind.figureName()) + " " + value, LABEL_WIDTH + Math.max(width, 1) + 6,
                            y + BAR_HEIGHT - 4));
                    y += BAR_HEIGHT + BAR_GAP;
                }
            }
        }
        return new Chart("bench-chart-" + application.slug(), CHART_WIDTH, y + BAR_GAP,
                view.t("bench.chart.title", application.name()), view.t("bench.chart.desc"), bars, headings, tierLabels);
    }

    /** A server's runs for its page, newest first. */
    public static List<RunRow> runs(View view, List<BenchmarkRun> runs) {
        return runs.stream().map(run -> new RunRow(run.jobId(), time(run.measuredAt()),
                run.profile() == BenchProfile.QUICK, run.figures().stream()
                        .map((BenchmarkFigure f) -> new FigureRow(label(view, f.name()), number(view, f.value()), f.unit()))
                        .toList())).toList();
    }

    /** The figure's name in the reader's language. */
    static String label(View view, String name) {
        return view.t("bench.figure." + name);
    }

    /** 95,813 / 95.813; 374.3 / 374,3; 0.81 / 0,81. */
    static String number(View view, double value) {
        NumberFormat format = NumberFormat.getNumberInstance(view.lang() == Language.NL ? Locale.forLanguageTag("nl-NL")
                : Locale.ENGLISH);
        double magnitude = Math.abs(value);
        format.setMaximumFractionDigits(magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2);
        return format.format(value);
    }

    private static String day(Instant instant) {
        return instant == null ? "" : DAY.format(instant.atZone(Customer.DEFAULT_ZONE));
    }

    private static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant.atZone(Customer.DEFAULT_ZONE));
    }
}

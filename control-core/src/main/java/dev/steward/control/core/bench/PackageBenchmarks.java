package dev.steward.control.core.bench;

import dev.steward.control.core.catalogue.Tier;
import java.util.List;

/**
 * The published figures of one application's package: one {@link FigureStats} per figure name,
 * in {@link FigureKind} order.
 *
 * <p>Thread safety: immutable.
 *
 * @param servers how many servers contributed a latest full run
 */
public record PackageBenchmarks(long applicationId, Tier tier, int servers, List<FigureStats> figures) {

    public PackageBenchmarks {
        figures = List.copyOf(figures);
    }

    /** The figure's statistics, or null when no server of the package measured it. */
    public FigureStats figure(FigureKind kind) {
        return figures.stream().filter(f -> f.kind() == kind).findFirst().orElse(null);
    }
}

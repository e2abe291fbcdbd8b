package io.streamgate.config;

/**
 * How much of one of a node's bounds (its connections for readers, its bytes in flight) one tenant may hold, given
 * what the other tenants hold of it.
 */
public sealed interface TenantShare {

    /** The most one tenant may hold while the other tenants hold {@code others}. */
    long of(long others);

    /** As much as {@code most}, whatever the others hold: a share an operator set, or the whole for the only tenant. */
    static TenantShare fixed(long most) {
        return new Fixed(most);
    }

    /**
     * Half of what the other tenants leave of {@code whole}, and at least 1. A fixed half let two tenants fill the node
     * between them, and a third got 503 for everything (BENCHMARKS.md section 111); with this, a tenant alone still
     * takes half, and tenants that all take what they may settle at {@code whole / (n + 1)} each, as much again left
     * for the next tenant to come.
     */
    static TenantShare halfOfWhatOthersLeave(long whole) {
        return new HalfOfWhatOthersLeave(whole);
    }

    /**
     * A tenant's share of a node's bound of {@code whole}: all of it where one tenant is all there can be, else
     * {@code set} where an operator set one, else half of what the others leave.
     */
    static TenantShare ofTheNodes(long whole, Long set, boolean oneTenant) {
        return oneTenant ? fixed(whole) : set != null ? fixed(set) : halfOfWhatOthersLeave(whole);
    }

    /** Whether it never refuses what the node's bound of {@code whole} lets in: then it need not be counted. */
    default boolean coversTheWhole(long whole) {
        return this instanceof Fixed fixed && fixed.most() >= whole;
    }

    record Fixed(long most) implements TenantShare {
        @Override
        public long of(long others) {
            return most;
        }
    }

    record HalfOfWhatOthersLeave(long whole) implements TenantShare {
        @Override
        public long of(long others) {
            return Math.max(1, (whole - others) / 2);
        }
    }
}

package io.streamgate;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The one blocking call BlockHound may see on an event loop: Netty 4.2's adaptive buffer allocator takes a
 * {@code StampedLock} for a few instructions when two event loops grow its shared "magazines" at the same time
 * (found by FuzzIT under concurrent large bodies). That wait is Netty's design, bounded and not ours to remove;
 * every other blocking call still fails the test that makes it.
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}

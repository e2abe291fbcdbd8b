package io.streamgate.processing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Analytics: echoes each chunk with the stream's running totals of chunks, words (runs of non-whitespace)
 * and UTF-8 bytes so far.
 */
public final class WordCountProcessor implements StreamProcessor {

    @Override
    public String name() {
        return "wordcount";
    }

    @Override
    public ProcessedChunk process(String chunk, StreamState state) {
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("chunks", state.add("chunks", 1));
        totals.put("words", state.add("words", countWords(chunk)));
        totals.put("bytes", state.add("bytes", chunk.getBytes(StandardCharsets.UTF_8).length));
        return new ProcessedChunk(chunk, totals);
    }

    static int countWords(String text) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            boolean space = Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
            i += Character.charCount(codePoint);
        }
        return words;
    }
}

// expect: SD306
const HF_TOKEN = "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";
export async function ask(q) {
  const r = await fetch("https://router.huggingface.co/v1/chat/completions", {
    method: "POST",
    headers: { Authorization: `Bearer ${HF_TOKEN}` },
    body: JSON.stringify({ messages: [{ role: "user", content: q }] }),
  });
  return r.json();
}

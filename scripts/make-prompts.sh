#!/usr/bin/env bash
# Regenerates OpenCCC's default IVR prompts: 8 kHz mono G.711 μ-law WAVs
# (format tag 7, WAVE_FORMAT_MULAW) under packages/server/assets/prompts/,
# and their manifest (id → file, text, language).
#
# Needs Debian's espeak-ng and sox:  apt-get install -y espeak-ng sox
# Run from anywhere:                 scripts/make-prompts.sh
#
# The output is deterministic for one espeak-ng and sox version: no dither
# (sox -D), fixed voices, rates and pitch. The versions used are written into
# the manifest, so a changed file can be traced to a changed tool.
set -euo pipefail
export LC_ALL=C.UTF-8

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/packages/server/assets/prompts"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make-prompts: $tool is missing (apt-get install -y espeak-ng sox)" >&2; exit 1; }
done

# language|voice|words per minute|id|text
# Mandarin uses cmn-latn-pinyin: espeak-ng 1.51's plain `cmn` voice turns characters
# into pinyin and then reads that pinyin as English ("ni three hao three").
prompts=(
  "zh-CN|cmn-latn-pinyin|200|welcome|欢迎致电客服中心。业务咨询请按1，技术支持请按2，重听请按0。"
  "zh-CN|cmn-latn-pinyin|200|invalid-key|您的输入有误，请重新输入。"
  "zh-CN|cmn-latn-pinyin|200|no-input|我们没有收到您的按键，请重新选择。"
  "zh-CN|cmn-latn-pinyin|200|transferring|正在为您转接人工客服，请稍候。"
  "zh-CN|cmn-latn-pinyin|200|all-busy|座席正忙，请您耐心等待。"
  "zh-CN|cmn-latn-pinyin|200|outside-hours|现在是非工作时间，请在工作时间内再来电。"
  "zh-CN|cmn-latn-pinyin|200|goodbye|感谢您的来电，再见。"
  "zh-CN|cmn-latn-pinyin|200|survey|请对本次服务进行评价。满意请按1，一般请按2，不满意请按3。"
  "zh-CN|cmn-latn-pinyin|200|thanks|感谢您的评价，再见。"
  "en-US|en-us|200|welcome|Welcome. For sales, press 1. For support, press 2. To hear this again, press 0."
  "en-US|en-us|200|invalid-key|Sorry, that is not a valid choice."
  "en-US|en-us|200|no-input|Sorry, we did not receive your choice."
  "en-US|en-us|200|transferring|Please hold while we connect you."
  "en-US|en-us|200|all-busy|All agents are busy. Please stay on the line."
  "en-US|en-us|200|outside-hours|We are closed now. Please call again during working hours."
  "en-US|en-us|200|goodbye|Thank you for calling. Goodbye."
  "en-US|en-us|200|survey|Please rate our service. Press 1 if satisfied, 2 if neutral, 3 if not satisfied."
  "en-US|en-us|200|thanks|Thank you for your feedback. Goodbye."
)

json_string() {
  # Prompt texts hold no quotes or backslashes; escape them anyway.
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}

espeak_version="$(espeak-ng --version | sed -n 's/.*text-to-speech: *\([^ ]*\).*/\1/p')"
sox_version="$(sox --version | awk '{print $NF}')"

manifest="$tmp/manifest.json"
{
  printf '{\n  "format": "wav, G.711 mu-law, 8000 Hz, mono",\n'
  printf '  "generator": "scripts/make-prompts.sh (espeak-ng %s, sox %s)",\n' "$espeak_version" "$sox_version"
  printf '  "prompts": [\n'
} >"$manifest"

rm -rf "$out/zh-CN" "$out/en-US"
count=${#prompts[@]}
for i in "${!prompts[@]}"; do
  IFS='|' read -r lang voice wpm id text <<<"${prompts[$i]}"
  mkdir -p "$out/$lang"
  file="$lang/$id.wav"
  espeak-ng -v "$voice" -s "$wpm" -p 50 -w "$tmp/raw.wav" -- "$text"
  # 8 kHz mono μ-law; -D: no dither, so the bytes do not depend on a random seed.
  # Effects: trim the synthesiser's silence at both ends, keep 0.1 s on each side, peak at -3 dBFS.
  sox -D -V1 "$tmp/raw.wav" -r 8000 -c 1 -e mu-law -b 8 "$out/$file" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0.1 0.1 norm -3
  sep=","; [[ $i -eq $((count - 1)) ]] && sep=""
  printf '    {"id": %s, "language": %s, "file": %s, "text": %s}%s\n' \
    "$(json_string "$lang/$id")" "$(json_string "$lang")" "$(json_string "$file")" "$(json_string "$text")" "$sep" >>"$manifest"
done
printf '  ]\n}\n' >>"$manifest"
mv "$manifest" "$out/manifest.json"

echo "make-prompts: ${count} prompts, $(cat "$out"/*/*.wav | wc -c) bytes in packages/server/assets/prompts"


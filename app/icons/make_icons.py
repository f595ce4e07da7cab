# Run once by hand (needs Pillow and fonts-noto-cjk); the PNGs beside it are the committed source.
# Draws Chafang's icons once: a deep red square with the white character 查.
from PIL import Image, ImageDraw, ImageFont
RED = (159, 31, 36)
WHITE = (255, 255, 255)
path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
idx = next(i for i in range(10) if "SC" in ImageFont.truetype(path, 10, index=i).getname()[0])

def draw(size, rounded, glyph_frac):
    s = size * 4
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if rounded:
        d.rounded_rectangle([0, 0, s - 1, s - 1], radius=int(s * 0.22), fill=RED)
    else:
        d.rectangle([0, 0, s, s], fill=RED)
    font = ImageFont.truetype(path, int(s * glyph_frac), index=idx)
    l, t, r, b = d.textbbox((0, 0), "查", font=font)
    d.text(((s - (r - l)) / 2 - l, (s - (b - t)) / 2 - t), "查", font=font, fill=WHITE)
    return img.resize((size, size), Image.LANCZOS)

draw(192, True, 0.62).save("icon-192.png", optimize=True)
draw(512, True, 0.62).save("icon-512.png", optimize=True)
# Maskable: full bleed, glyph inside the 80 % safe circle.
draw(512, False, 0.46).convert("RGB").save("icon-maskable-512.png", optimize=True)
# iOS rounds the corners itself and shows transparency as black.
draw(180, False, 0.58).convert("RGB").save("apple-touch-icon.png", optimize=True)

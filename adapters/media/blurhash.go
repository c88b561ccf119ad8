package media

import (
	"image"
	"math"
	"strings"
)

// Blurhash encodes img as a blurhash (https://blurha.sh) with x×y components (1–9 each), which
// clients paint while the image loads. Pass a small image: the cost is pixels × components.
func Blurhash(img image.Image, x, y int) string {
	x, y = min(max(x, 1), 9), min(max(y, 1), 9)
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w == 0 || h == 0 {
		return ""
	}
	// Linear-light pixels, converted once.
	lin := make([][3]float64, w*h)
	for py := 0; py < h; py++ {
		for px := 0; px < w; px++ {
			r, g, bl, _ := img.At(b.Min.X+px, b.Min.Y+py).RGBA()
			lin[py*w+px] = [3]float64{srgbToLinear(r >> 8), srgbToLinear(g >> 8), srgbToLinear(bl >> 8)}
		}
	}
	cosX := cosTable(x, w)
	cosY := cosTable(y, h)
	factors := make([][3]float64, 0, x*y)
	for j := 0; j < y; j++ {
		for i := 0; i < x; i++ {
			norm := 2.0
			if i == 0 && j == 0 {
				norm = 1
			}
			var f [3]float64
			for py := 0; py < h; py++ {
				cy := norm * cosY[j*h+py]
				for px := 0; px < w; px++ {
					basis := cy * cosX[i*w+px]
					p := lin[py*w+px]
					f[0] += basis * p[0]
					f[1] += basis * p[1]
					f[2] += basis * p[2]
				}
			}
			scale := 1 / float64(w*h)
			factors = append(factors, [3]float64{f[0] * scale, f[1] * scale, f[2] * scale})
		}
	}
	var sb strings.Builder
	sb.WriteString(base83((x-1)+(y-1)*9, 1))
	maxValue := 1.0
	if len(factors) > 1 {
		actualMax := 0.0
		for _, f := range factors[1:] {
			actualMax = math.Max(actualMax, math.Max(math.Abs(f[0]), math.Max(math.Abs(f[1]), math.Abs(f[2]))))
		}
		q := int(math.Max(0, math.Min(82, math.Floor(actualMax*166-0.5))))
		maxValue = float64(q+1) / 166
		sb.WriteString(base83(q, 1))
	} else {
		sb.WriteString(base83(0, 1))
	}
	dc := factors[0]
	sb.WriteString(base83(linearToSRGB(dc[0])<<16+linearToSRGB(dc[1])<<8+linearToSRGB(dc[2]), 4))
	for _, f := range factors[1:] {
		q := func(v float64) int {
			return int(math.Max(0, math.Min(18, math.Floor(signPow(v/maxValue, 0.5)*9+9.5))))
		}
		sb.WriteString(base83(q(f[0])*19*19+q(f[1])*19+q(f[2]), 2))
	}
	return sb.String()
}

// cosTable holds cos(π·c·p/n) for every component c < comps and position p < n, at c*n+p.
func cosTable(comps, n int) []float64 {
	t := make([]float64, comps*n)
	for c := 0; c < comps; c++ {
		for p := 0; p < n; p++ {
			t[c*n+p] = math.Cos(math.Pi * float64(c) * float64(p) / float64(n))
		}
	}
	return t
}

const base83Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"

func base83(v, length int) string {
	out := make([]byte, length)
	for i := 1; i <= length; i++ {
		d := (v / int(math.Pow(83, float64(length-i)))) % 83
		out[i-1] = base83Chars[d]
	}
	return string(out)
}

func srgbToLinear(v uint32) float64 {
	f := float64(v) / 255
	if f <= 0.04045 {
		return f / 12.92
	}
	return math.Pow((f+0.055)/1.055, 2.4)
}

func linearToSRGB(v float64) int {
	v = math.Max(0, math.Min(1, v))
	if v <= 0.0031308 {
		return int(v*12.92*255 + 0.5)
	}
	return int((1.055*math.Pow(v, 1/2.4)-0.055)*255 + 0.5)
}

func signPow(v, exp float64) float64 {
	return math.Copysign(math.Pow(math.Abs(v), exp), v)
}
